import DataFiSodium

/// Expands 32-byte seeds into mask vectors over Z_{2^k} with the ChaCha20 keystream and adds or
/// subtracts them into an accumulator.
///
/// Element i of the mask of seed s is the little-endian 64-bit word i of the stream
/// PRG(s) = ChaCha20(s, nonce 0) ‖ ChaCha20(s, nonce 1) ‖ …, each nonce covering
/// `chunkWords` words, reduced mod 2^k by keeping its low k bits (uniform, since 2^k divides
/// 2^64). Accumulation wraps mod 2^64 and is reduced once at the end: 2^k divides 2^64, so the
/// result mod 2^k is the same.
public struct MaskExpander: ~Copyable {
    /// Words expanded per ChaCha20 call (16 KiB, so the buffer and the slice of the accumulator
    /// it is added to stay in the first-level cache).
    public static let chunkWords = 2048
    private let scratch: UnsafeMutableBufferPointer<UInt64>

    /// A new expander with its own scratch buffer.
    public init() {
        scratch = .allocate(capacity: Self.chunkWords)
        scratch.initialize(repeating: 0)
    }

    deinit {
        // The scratch held keystream: clear it before freeing.
        scratch.update(repeating: 0)
        scratch.deallocate()
    }

    /// Adds (`negate == false`) or subtracts the mask of `seed` into `accumulator`, mod 2^64.
    /// - Precondition: `seed` holds 32 bytes.
    public func apply(seed: SecureBytes, to accumulator: inout [UInt64], negate: Bool) {
        precondition(seed.count == ChaCha20Stream.keyLength)
        let count = accumulator.count
        accumulator.withUnsafeMutableBufferPointer { acc in
            var start = 0
            var nonce: UInt64 = 0
            while start < count {
                let n = Swift.min(Self.chunkWords, count - start)
                ChaCha20Stream.fillUnchecked(UnsafeMutableRawBufferPointer(start: scratch.baseAddress, count: n * 8),
                                             key: seed.pointer, nonce: nonce)
                let dst = acc.baseAddress! + start
                let src = scratch.baseAddress!
                if negate {
                    for i in 0..<n { dst[i] &-= UInt64(littleEndian: src[i]) }
                } else {
                    for i in 0..<n { dst[i] &+= UInt64(littleEndian: src[i]) }
                }
                start += n
                nonce += 1
            }
        }
    }

    /// `input` plus (or minus) the masks of `seeds`, mod 2^64, in one pass over the output: the
    /// first seed's keystream is combined with the input as the output is written, the others are
    /// accumulated chunk by chunk as in `apply(seeds:to:)`.
    /// - Precondition: `seeds` is not empty and every seed holds 32 bytes.
    public func masked(_ input: [UInt64], seeds: [(seed: SecureBytes, negate: Bool)]) -> [UInt64] {
        for s in seeds { precondition(s.seed.count == ChaCha20Stream.keyLength) }
        return withExtendedLifetime(seeds) { masked(input, keys: seeds.map { ($0.seed.pointer, $0.negate) }) }
    }

    /// `masked(_:seeds:)` over raw 32-byte keys, which must stay valid during the call, reduced
    /// mod 2^`bits` (1 ≤ bits ≤ 64) as the last mask is added, while each chunk is in cache.
    func masked(_ input: [UInt64], keys seeds: [(key: UnsafePointer<UInt8>, negate: Bool)], bits: Int = 64) -> [UInt64] {
        precondition(!seeds.isEmpty && (1...64).contains(bits))
        let count = input.count
        let reduction = bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1
        return [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { x in
                var start = 0
                while start < count {
                    let n = Swift.min(Self.chunkWords, count - start)
                    let dst = out.baseAddress! + start
                    let xs = x.baseAddress! + start
                    let src = scratch.baseAddress!
                    let nonce = UInt64(start / Self.chunkWords)
                    for (k, (seed, negate)) in seeds.enumerated() {
                        ChaCha20Stream.fillUnchecked(UnsafeMutableRawBufferPointer(start: src, count: n * 8),
                                                     key: seed, nonce: nonce)
                        // All ones except on the last mask, where the sum is reduced.
                        let m = k == seeds.count - 1 ? reduction : UInt64.max
                        switch (k == 0, negate) {
                        case (true, false): for i in 0..<n { dst[i] = (xs[i] &+ UInt64(littleEndian: src[i])) & m }
                        case (true, true): for i in 0..<n { dst[i] = (xs[i] &- UInt64(littleEndian: src[i])) & m }
                        case (false, false): for i in 0..<n { dst[i] = (dst[i] &+ UInt64(littleEndian: src[i])) & m }
                        case (false, true): for i in 0..<n { dst[i] = (dst[i] &- UInt64(littleEndian: src[i])) & m }
                        }
                    }
                    start += n
                }
            }
            initialized = count
        }
    }

    /// Adds or subtracts the masks of many seeds into `accumulator`, mod 2^64, chunk by chunk: each
    /// `chunkWords` slice of the accumulator receives every seed's keystream while it is in cache, so the
    /// accumulator is read and written once instead of once per seed.
    /// - Precondition: every seed holds 32 bytes.
    public func apply(seeds: [(seed: SecureBytes, negate: Bool)], to accumulator: inout [UInt64]) {
        for s in seeds { precondition(s.seed.count == ChaCha20Stream.keyLength) }
        let count = accumulator.count
        let step = Self.chunkWords
        accumulator.withUnsafeMutableBufferPointer { acc in
            var start = 0
            while start < count {
                let n = Swift.min(step, count - start)
                let dst = acc.baseAddress! + start
                let src = scratch.baseAddress!
                // Words start ..< start + n of every stream: the keystream of nonce start / chunkWords.
                let nonce = UInt64(start / Self.chunkWords)
                for (seed, negate) in seeds {
                    ChaCha20Stream.fillUnchecked(UnsafeMutableRawBufferPointer(start: src, count: n * 8),
                                                 key: seed.pointer, nonce: nonce)
                    if negate {
                        for i in 0..<n { dst[i] &-= UInt64(littleEndian: src[i]) }
                    } else {
                        for i in 0..<n { dst[i] &+= UInt64(littleEndian: src[i]) }
                    }
                }
                start += n
            }
        }
    }

    /// The mask of `seed` itself, `count` elements reduced mod 2^bits.
    public func mask(seed: SecureBytes, count: Int, bits: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: count)
        apply(seed: seed, to: &out, negate: false)
        MaskExpander.reduce(&out, bits: bits)
        return out
    }

    /// Reduces every element mod 2^bits (1 ≤ bits ≤ 64).
    public static func reduce(_ vector: inout [UInt64], bits: Int) {
        guard bits < 64 else { return }
        let m = (UInt64(1) << UInt64(bits)) - 1
        vector.withUnsafeMutableBufferPointer { v in
            for i in v.indices { v[i] &= m }
        }
    }
}
