import CSodium

/// One-time, thread-safe initialization of libsodium.
///
/// Every DataFi entry point that calls libsodium calls `ensureInitialized()` first;
/// callers of the public API never need to.
package enum SodiumRuntime {
    // Swift initializes globals lazily and exactly once, under a lock.
    private static let status: Int32 = sodium_init()

    /// Initializes libsodium on first use. `sodium_init` returns 0 on the first call and
    /// 1 when already initialized; -1 means the library cannot work at all.
    package static func ensureInitialized() {
        precondition(status >= 0, "libsodium failed to initialize")
    }
}
