/// Why an AMM operation was refused. The operation left every value unchanged.
///
/// Each case is named after the revert reason of Uniswap V2 (core, periphery library and router); ``code``
/// is that reason without its contract prefix, for example `"K"` or `"INSUFFICIENT_LIQUIDITY_MINTED"`.
/// Checked arithmetic that overflows or underflows 256 bits reports ``mathOverflow`` / ``mathUnderflow``
/// where V2's SafeMath would revert with `ds-math-mul-overflow` and friends.
public enum AMMError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A mint would create zero liquidity tokens.
    case insufficientLiquidityMinted
    /// A burn would pay out zero of either token (or the pair has no liquidity).
    case insufficientLiquidityBurned
    /// Both output amounts are zero, or a router trade would return less than the caller's minimum.
    case insufficientOutputAmount
    /// Nothing was paid into the pair for a swap, or a quote's input amount is zero.
    case insufficientInputAmount
    /// A requested output is not below the reserve, or a quote's reserves are zero.
    case insufficientLiquidity
    /// Swap output sent to one of the pair's own token addresses.
    case invalidTo
    /// The fee-adjusted constant-product check failed: too little was paid in.
    case k
    /// A balance exceeds the 112-bit reserve bound 2^112 − 1.
    case overflow
    /// A 256-bit intermediate overflowed (V2's SafeMath `ds-math-add/mul-overflow`).
    case mathOverflow
    /// A 256-bit subtraction went below zero (V2's SafeMath `ds-math-sub-underflow`), for example
    /// moving more liquidity tokens than an account holds.
    case mathUnderflow
    /// The two tokens of a pair are the same.
    case identicalAddresses
    /// A token is the zero address.
    case zeroAddress
    /// A pair for these tokens already exists.
    case pairExists
    /// The caller may not do this (setting `feeTo` without being `feeToSetter`, or moving liquidity
    /// tokens out of the zero address, which nobody controls).
    case forbidden
    /// A router quote with a zero amount.
    case insufficientAmount
    /// Adding or removing liquidity would move less of token A than the caller's minimum.
    case insufficientAAmount
    /// Adding or removing liquidity would move less of token B than the caller's minimum.
    case insufficientBAmount
    /// An exact-output trade needs more input than the caller's maximum.
    case excessiveInputAmount
    /// The deadline is before the current block time.
    case expired
    /// A swap path has fewer than two tokens.
    case invalidPath
    /// No pair exists for two consecutive tokens of a path.
    case pairNotFound
    /// An account does not hold the tokens it is asked to pay (V2's `TRANSFER_FROM_FAILED`).
    case transferFromFailed
    /// A time-weighted average over an empty time interval.
    case periodNotElapsed
    /// A fixed-point ratio with a zero denominator (V2's `uqdiv` by zero reverts).
    case divisionByZero

    /// V2's revert reason without its prefix, e.g. `"INSUFFICIENT_LIQUIDITY_MINTED"`.
    public var code: String {
        switch self {
        case .insufficientLiquidityMinted: "INSUFFICIENT_LIQUIDITY_MINTED"
        case .insufficientLiquidityBurned: "INSUFFICIENT_LIQUIDITY_BURNED"
        case .insufficientOutputAmount: "INSUFFICIENT_OUTPUT_AMOUNT"
        case .insufficientInputAmount: "INSUFFICIENT_INPUT_AMOUNT"
        case .insufficientLiquidity: "INSUFFICIENT_LIQUIDITY"
        case .invalidTo: "INVALID_TO"
        case .k: "K"
        case .overflow: "OVERFLOW"
        case .mathOverflow: "MATH_OVERFLOW"
        case .mathUnderflow: "MATH_UNDERFLOW"
        case .identicalAddresses: "IDENTICAL_ADDRESSES"
        case .zeroAddress: "ZERO_ADDRESS"
        case .pairExists: "PAIR_EXISTS"
        case .forbidden: "FORBIDDEN"
        case .insufficientAmount: "INSUFFICIENT_AMOUNT"
        case .insufficientAAmount: "INSUFFICIENT_A_AMOUNT"
        case .insufficientBAmount: "INSUFFICIENT_B_AMOUNT"
        case .excessiveInputAmount: "EXCESSIVE_INPUT_AMOUNT"
        case .expired: "EXPIRED"
        case .invalidPath: "INVALID_PATH"
        case .pairNotFound: "PAIR_NOT_FOUND"
        case .transferFromFailed: "TRANSFER_FROM_FAILED"
        case .periodNotElapsed: "PERIOD_NOT_ELAPSED"
        case .divisionByZero: "DIVISION_BY_ZERO"
        }
    }

    /// A one-line explanation that starts with ``code``.
    public var description: String {
        let why: String = switch self {
        case .insufficientLiquidityMinted: "the deposit would mint no liquidity tokens"
        case .insufficientLiquidityBurned: "the burn would pay out nothing of one token"
        case .insufficientOutputAmount: "output amount is zero or below the minimum"
        case .insufficientInputAmount: "no input amount"
        case .insufficientLiquidity: "reserves are zero or too small for the requested output"
        case .invalidTo: "output sent to a token address of the pair"
        case .k: "constant-product check failed"
        case .overflow: "balance exceeds 2^112 - 1"
        case .mathOverflow: "256-bit arithmetic overflow"
        case .mathUnderflow: "256-bit arithmetic underflow"
        case .identicalAddresses: "the two tokens are the same"
        case .zeroAddress: "a token is the zero address"
        case .pairExists: "the pair already exists"
        case .forbidden: "caller not allowed"
        case .insufficientAmount: "amount is zero"
        case .insufficientAAmount: "token A amount below the minimum"
        case .insufficientBAmount: "token B amount below the minimum"
        case .excessiveInputAmount: "input amount above the maximum"
        case .expired: "deadline has passed"
        case .invalidPath: "path needs at least two tokens"
        case .pairNotFound: "no pair for two tokens of the path"
        case .transferFromFailed: "payer does not hold enough tokens"
        case .periodNotElapsed: "no time elapsed between the observations"
        case .divisionByZero: "the denominator of a ratio is zero"
        }
        return "\(code): \(why)"
    }
}
