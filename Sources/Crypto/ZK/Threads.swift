import Dispatch
import Foundation
import DataFiSupport

/// Side-by-side work of range proofs. The prover computes independent multiplications side by side
/// (S in two halves, T1 and T2, each round's L and R, the folding of G and H), and large verifications
/// split the generators' bucket work. Each thread runs the same code as one thread would (constant time
/// where the data is secret), so the SDK's ``Parallelism/limit`` changes speed only, never results.
enum ZKParallel {
    /// `a()` and `b()`, side by side when more than one thread is allowed.
    static func pair<A: Sendable, B: Sendable>(_ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
        guard Parallelism.limit > 1 else { return (a(), b()) }
        nonisolated(unsafe) var first: A?
        nonisolated(unsafe) var second: B?
        Parallelism.forEachPart(2) { index in
            if index == 0 { first = a() } else { second = b() }
        }
        // concurrentPerform returns after both ran.
        return (first!, second!)
    }

    /// `body(i)` for i in 0..<count, in up to ``Parallelism/limit`` ranges of indices side by side.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let ranges = min(count, Parallelism.limit)
        guard ranges > 1 else { return (0..<count).map(body) }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let out = slots
        Parallelism.forEachPart(ranges) { range in
            for i in (range * count / ranges)..<((range + 1) * count / ranges) { out[i] = body(i) }
        }
        return out.map { $0! }
    }
}
