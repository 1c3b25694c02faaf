import DataFiBigNum
#if canImport(Glibc)
import Glibc
#endif

/// Paid tasks in submission order, as packed ``TaskRecord``s in fixed-size chunks.
///
/// Task id `n` is at position `n − 1`. Chunks never move once filled, so recording a task never copies earlier
/// ones; from the second chunk on, each new chunk's pages are backed by the kernel in one call
/// (``ChunkPrefault``) instead of one page fault per page as records arrive.
struct TaskStore: Hashable, Sendable {
    /// Records per chunk.
    static let chunkSize = 4096

    /// Number of tasks stored.
    private(set) var count = 0
    private var chunks: [[TaskRecord]] = []

    /// The record of task `id`, if stored.
    subscript(id: UInt64) -> TaskRecord? {
        guard id >= 1, id <= UInt64(count) else { return nil }
        let position = Int(id - 1)
        return chunks[position / Self.chunkSize][position % Self.chunkSize]
    }

    /// Appends `record`; returns its task id.
    mutating func append(_ record: TaskRecord) -> UInt64 {
        if count % Self.chunkSize == 0 {
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
            // From the second chunk on, the store is clearly growing: back the chunk with memory at once.
            if chunks.count > 1 { ChunkPrefault.populate(&chunks[chunks.count - 1]) }
        }
        chunks[chunks.count - 1].append(record)
        count += 1
        return UInt64(count)
    }

    /// Sets the status of stored task `id` (which must exist).
    mutating func setStatus(_ status: TaskStatus, of id: UInt64) {
        precondition(id >= 1 && id <= UInt64(count), "no stored task \(id)")
        let position = Int(id - 1)
        chunks[position / Self.chunkSize][position % Self.chunkSize].status = status
    }
}

/// Backs an array's reserved capacity with memory in one system call (`MADV_POPULATE_WRITE`, Linux 5.14+),
/// rather than one page fault per page as elements arrive. Contents are unchanged; where the call is
/// unsupported it fails and nothing happens.
enum ChunkPrefault {
    /// Asks the kernel to back the whole pages inside `array`'s reserved capacity. Returns the number of bytes
    /// advised (0 when nothing was, e.g. off Linux or for a capacity under one page).
    @discardableResult
    static func populate<Element>(_ array: inout [Element]) -> Int {
        #if os(Linux)
        let bytes = array.capacity * MemoryLayout<Element>.stride
        return array.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard page > 0 else { return 0 }
            let start = (Int(bitPattern: base) + page - 1) / page * page
            let end = (Int(bitPattern: base) + bytes) / page * page
            guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return 0 }
            return madvise(pointer, end - start, 23 /* MADV_POPULATE_WRITE */) == 0 ? end - start : 0
        }
        #else
        return 0
        #endif
    }
}

/// A paid task as stored: 88 bytes where ``ComputeTask`` takes more, as the task store grows by one record
/// per task. The id is the position, the dataset its slot, and the fee is recomputed from the dataset's fixed
/// pricing (``fee(under:)``); data tokens (paid from a balance below 2^112) fit 128 bits and operations per
/// row (at most 10^6) fit 32 bits.
struct TaskRecord: Hashable, Sendable {
    let consumer: AccountID
    let purpose: String
    let rows: UInt64
    let submittedAt: UInt64
    let deadline: UInt64
    let dataTokens: Amount128
    let datasetSlot: UInt32
    let operationsPerRow: UInt32
    var status: TaskStatus

    /// The declared work.
    var complexity: TaskComplexity { TaskComplexity(rows: rows, operationsPerRow: UInt64(operationsPerRow)) }

    /// The fee the task paid, recomputed from `pricing`, the pricing of its dataset. A dataset's pricing never
    /// changes and priced this complexity when the task was submitted, so the computation cannot fail; a
    /// failure means the record was paired with another dataset's pricing (a programmer mistake).
    func fee(under pricing: PricingRule) -> UInt256 {
        do {
            return try pricing.fee(for: complexity)
        } catch {
            preconditionFailure("task record priced under a pricing rule that did not price it")
        }
    }
}

/// An amount below 2^128 as two 64-bit limbs (8-byte aligned, unlike `UInt128`).
struct Amount128: Hashable, Sendable {
    let low: UInt64, high: UInt64

    /// `value` must be below 2^128.
    init(_ value: UInt256) {
        let limbs = value.littleEndianLimbs
        precondition(limbs.2 == 0 && limbs.3 == 0, "amount above 2^128")
        (low, high) = (limbs.0, limbs.1)
    }

    var value: UInt256 { UInt256(littleEndianLimbs: (low, high, 0, 0)) }
}
