import CSodium

/// Secret bytes in memory from `sodium_malloc`: guard pages around it, locked out of swap where
/// the system allows, and zeroed by `sodium_free` when the last reference goes away.
///
/// Immutable after creation, so it is safe to share between tasks. `==` is constant time.
/// `description` never shows the contents. Each instance costs a few pages of address space;
/// keep secrets few and long-lived.
public final class SecureBytes: @unchecked Sendable, Equatable, CustomStringConvertible {
    /// Number of bytes.
    public let count: Int
    private let base: UnsafeMutableRawPointer

    /// Allocates `count` bytes and lets `body` write them. Traps only when the process is out of memory.
    package init(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count >= 0, "count must not be negative")
        SodiumRuntime.ensureInitialized()
        guard let pointer = sodium_malloc(Swift.max(count, 1)) else {
            preconditionFailure("out of memory for secure allocation")
        }
        sodium_memzero(pointer, Swift.max(count, 1))
        self.count = count
        self.base = pointer
        body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// `count` bytes from libsodium's CSPRNG.
    public convenience init(count: Int) {
        self.init(count: count) { SecureRandom.fill($0) }
    }

    /// A protected copy of `bytes`. The caller should wipe its own copy if it can.
    public convenience init(copying bytes: some Collection<UInt8>) {
        let n = bytes.count
        self.init(count: n) { dst in
            ByteInput.with(bytes) { src, count in
                if count > 0 { dst.baseAddress!.copyMemory(from: src, byteCount: count) }
            }
        }
    }

    deinit {
        sodium_free(base)
    }

    /// Calls `body` with read-only access to the bytes. Do not let the pointer escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A prefix or slice copied into new secure memory.
    package func copy(range: Range<Int>) -> SecureBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return SecureBytes(count: range.count) { dst in
            if range.count > 0 { dst.baseAddress!.copyMemory(from: base + range.lowerBound, byteCount: range.count) }
        }
    }

    /// Pointer for libsodium calls inside this module family.
    package var pointer: UnsafePointer<UInt8> { UnsafePointer(base.assumingMemoryBound(to: UInt8.self)) }

    /// Constant-time comparison (`sodium_memcmp`); values of different lengths are unequal.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.count == 0 { return true }
        return sodium_memcmp(lhs.base, rhs.base, lhs.count) == 0
    }

    /// The length only; the contents are never shown.
    public var description: String { "SecureBytes(\(count) bytes)" }
}

/// Constant-time comparison of byte strings.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. The time taken depends only on the length, which
    /// is treated as public: strings of different lengths return `false` at once.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        ByteInput.with(a) { pa, na in
            ByteInput.with(b) { pb, nb in
                guard na == nb else { return false }
                if na == 0 { return true }
                SodiumRuntime.ensureInitialized()
                return sodium_memcmp(pa, pb, na) == 0
            }
        }
    }
}
