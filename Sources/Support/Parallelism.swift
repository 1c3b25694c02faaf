import Dispatch
import Foundation
import Synchronization

/// The SDK's one parallelism setting: how many worker threads a single call may use.
///
/// Every module that splits work over threads (range proofs, PSI blinding, logistic regression, Zhang Rank,
/// Person2Vec) asks ``threads(_:)`` how many to use. The process-wide ``limit`` defaults to the number of
/// active processors; a service that already keeps every core busy with many calls sets it to 1. Calls that
/// have a `threads` parameter take a per-call override: `nil` means "use ``limit``", a positive number means
/// exactly that many (values below 1 are refused by the module with its own typed error).
///
/// Splitting work never changes a result, except where a module says so (Person2Vec with more than one
/// thread trains Hogwild-style and is not reproducible).
public enum Parallelism {
    private static let storage = Atomic<Int>(0)

    /// The number of active processors, the default ``limit`` (at least 1).
    public static var processorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The most worker threads one call uses (at least 1). Setting a value below 1 stores 1;
    /// ``resetLimit()`` goes back to the default.
    public static var limit: Int {
        get {
            let value = storage.load(ordering: .relaxed)
            return value > 0 ? value : processorCount
        }
        set { storage.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Restores the default ``limit`` (the number of active processors).
    public static func resetLimit() { storage.store(0, ordering: .relaxed) }

    /// The threads a call uses: `requested` when given (at least 1), else ``limit``.
    public static func threads(_ requested: Int? = nil) -> Int {
        guard let requested else { return limit }
        return max(1, requested)
    }

    /// Runs `body(part)` for every part in `0..<parts`, side by side when there is more than one part.
    /// Callers choose `parts` at most ``threads(_:)``; each part should be a disjoint share of the work.
    public static func forEachPart(_ parts: Int, _ body: @Sendable (Int) -> Void) {
        if parts <= 1 {
            if parts == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts, execute: body)
    }

    /// Splits `0..<count` into at most `threads` contiguous ranges of at least `minimumPerPart` indices
    /// (one range when the input is small) and runs `body(lower, upper)` on each, side by side.
    public static func forEachRange(
        _ count: Int, threads: Int, minimumPerPart: Int = 1,
        _ body: @Sendable (Int, Int) -> Void
    ) {
        guard count > 0 else { return }
        let parts = max(1, min(threads, count / max(minimumPerPart, 1)))
        forEachPart(parts) { k in body(count * k / parts, count * (k + 1) / parts) }
    }
}
