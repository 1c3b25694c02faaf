#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `AtomicFile.write` may do when the destination already exists.
public enum OverwritePolicy: Sendable {
    /// Replace an existing regular file.
    case replace
    /// Refuse with `AtomicFileError.exists` (the default for secrets: pass `.replace` only on an explicit `--force`).
    case refuse
}

/// Why an atomic write failed. Nothing at the destination changed in any case.
public enum AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The destination exists and the policy was `.refuse`.
    case exists(path: String)
    /// The destination is a symbolic link; writing through it is refused.
    case symbolicLink(path: String)
    /// The destination exists and is not a regular file (a directory, a device, a pipe…).
    case notRegularFile(path: String)
    /// The destination is also one of the command's inputs.
    case sameAsInput(path: String)
    /// A system call failed; `errno` names the reason.
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .exists(let path): return "\(path) exists; refusing to overwrite it"
        case .symbolicLink(let path): return "\(path) is a symbolic link; refusing to write through it"
        case .notRegularFile(let path): return "\(path) is not a regular file"
        case .sameAsInput(let path): return "\(path) is also an input; choose another output path"
        case .io(let path, let operation, let code):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// Atomic file output: the bytes go to a temporary file beside the destination, which is flushed to
/// disk (`fsync`) and renamed over the destination, then the directory is flushed. A reader sees the
/// old file or the whole new one, never a part; a crash or a full disk leaves the old file in place.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically with permission bits `mode` (use `0o600` for secrets).
    ///
    /// - Parameters:
    ///   - bytes: the file's new contents.
    ///   - path: where to write.
    ///   - mode: permission bits of the new file.
    ///   - overwrite: what to do when `path` exists.
    ///   - inputs: paths the caller read; writing to any of them (same file, by device and inode) is refused.
    /// - Throws: `AtomicFileError`; the destination is unchanged.
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o644,
                             overwrite: OverwritePolicy = .replace, inputs: [String] = []) throws(AtomicFileError) {
        do {
            try write(to: path, mode: mode, overwrite: overwrite, inputs: inputs) { sink in try sink.write(bytes) }
        } catch let error as AtomicFileError {
            throw error
        } catch {
            // The body above throws only AtomicFileError.
            throw .io(path: path, operation: "write", errno: EIO)
        }
    }

    /// Streams a file to `path` atomically: `body` writes the content piece by piece into a sink (buffered,
    /// so a large output never sits whole in memory); the destination appears only when `body` returns.
    ///
    /// - Throws: `AtomicFileError`, or what `body` throws; either way the destination is unchanged.
    public static func write(to path: String, mode: mode_t = 0o644, overwrite: OverwritePolicy = .replace,
                             inputs: [String] = [], _ body: (inout AtomicFileSink) throws -> Void) throws {
        var existing = stat()
        if lstat(path, &existing) == 0 {
            if (existing.st_mode & S_IFMT) == S_IFLNK { throw AtomicFileError.symbolicLink(path: path) }
            if (existing.st_mode & S_IFMT) != S_IFREG { throw AtomicFileError.notRegularFile(path: path) }
            if overwrite == .refuse { throw AtomicFileError.exists(path: path) }
            for input in inputs {
                var other = stat()
                if stat(input, &other) == 0, other.st_dev == existing.st_dev, other.st_ino == existing.st_ino {
                    throw AtomicFileError.sameAsInput(path: path)
                }
            }
        }
        let directory = Self.directory(of: path)
        var template = Array((directory + "/.datafi-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw AtomicFileError.io(path: path, operation: "create a temporary file for", errno: errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw AtomicFileError.io(path: path, operation: "set the mode of", errno: errno) }
            var sink = AtomicFileSink(fd: fd, path: path)
            try body(&sink)
            try sink.flush()
            guard fsync(fd) == 0 else { throw AtomicFileError.io(path: path, operation: "flush", errno: errno) }
        }
        if overwrite == .refuse {
            // link(2) fails if the destination appeared meanwhile, so a concurrent writer is never replaced.
            guard link(temporary, path) == 0 else {
                let code = errno
                if code == EEXIST { throw AtomicFileError.exists(path: path) }
                throw AtomicFileError.io(path: path, operation: "create", errno: code)
            }
            unlink(temporary)
        } else {
            guard rename(temporary, path) == 0 else { throw AtomicFileError.io(path: path, operation: "replace", errno: errno) }
        }
        done = true
        let directoryFD = open(directory, O_RDONLY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Writes every byte to the open descriptor `fd`, retrying after interrupts and short writes; `path`
    /// names it in errors.
    public static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws(AtomicFileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            offset += written
        }
    }

    /// The directory part of `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}

/// Where `AtomicFile.write(to:…)` streams a file's content; bytes are buffered and written in large chunks.
public struct AtomicFileSink {
    let fd: Int32
    let path: String
    private var buffer: [UInt8] = []
    static let chunk = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.chunk)
    }

    /// Appends bytes to the file.
    /// - Throws: `AtomicFileError.io` when the system refuses a write (a full disk).
    public mutating func write(_ bytes: some Sequence<UInt8>) throws(AtomicFileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunk { try flush() }
    }

    /// Appends the UTF-8 bytes of `text`.
    /// - Throws: as `write(_:)`.
    public mutating func write(_ text: String) throws(AtomicFileError) { try write(text.utf8) }

    mutating func flush() throws(AtomicFileError) {
        guard !buffer.isEmpty else { return }
        try AtomicFile.writeAll(fd: fd, bytes: buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}
