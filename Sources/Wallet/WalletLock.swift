#if canImport(Glibc)
import Glibc
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
#elseif canImport(Musl)
import Musl
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Musl.open(path, flags, mode) }
#elseif canImport(Darwin)
import Darwin
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
#endif
import DataFiSupport

extension WalletStore {
    /// Runs `body` while holding an exclusive advisory lock (`flock`) on the file `<path>.lock`
    /// (created with mode 0600 when missing), so that processes which each open, change and save the
    /// same wallet do so one at a time and no change is lost. Readers need no lock: saves are atomic.
    ///
    /// The lock is released when `body` returns or throws, and by the system if the process dies.
    /// - Throws: `WalletError.file` when the lock file cannot be opened or locked, or what `body` throws.
    public static func withExclusiveAccess<T>(to path: String, _ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let fd = openFile(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw WalletError.file(.io(path: lockPath, operation: "open the lock file", errno: errno)) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw WalletError.file(.io(path: lockPath, operation: "lock", errno: errno)) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
