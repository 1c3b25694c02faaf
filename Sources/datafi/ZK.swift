import ArgumentParser
import DataFiRistretto
import DataFiSodium
import DataFiZK
import DataFiSupport
import Foundation

// MARK: zk

struct ZKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zk", abstract: "Bulletproofs range proofs over Pedersen commitments.",
        subcommands: [ZKProveCommand.self, ZKVerifyCommand.self])

    /// The transcript label of proofs made and checked by the tool.
    static let transcriptLabel = "DataFi.CLI.RangeProof"
}

struct ZKProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Prove that committed values are below 2^bits.",
        discussion: """
        Writes {"bits":N,"commitment":HEX,"proof":HEX} (with several --value: "commitments":[HEX,…], one \
        aggregated proof). Only public data is written; the random blinding(s), needed to open the \
        commitment later, go to --blinding-out (hex, one per line, mode 0600) or are discarded.
        """)

    @Option(name: .customLong("value"), help: "Value to prove (unsigned 64-bit); repeat to aggregate (1, 2, 4, … 64 values).")
    var values: [String]

    @Option(help: "Bit width: 8, 16, 32 or 64.", transform: StrictArgument.int)
    var bits: Int = 64

    @Option(help: "Output file (default: stdout).")
    var out: String?

    @Option(help: "File to write the secret blinding(s) to, mode 0600; an existing file is kept unless --force.")
    var blindingOut: String?

    @Flag(help: "Replace an existing --blinding-out file.")
    var force = false

    func run() throws {
        guard !values.isEmpty else { throw CLIError("give at least one --value") }
        if let out, let blindingOut, out == blindingOut {
            throw CLIError("--out and --blinding-out name the same file \(out)")
        }
        let parsed = try values.map { text -> UInt64 in
            guard let v = DecimalText.integer(text, as: UInt64.self) else {
                throw CLIError("--value: not a decimal unsigned 64-bit integer: \(Truncated.text(text, 40))")
            }
            return v
        }
        let blindings = parsed.map { _ in Scalar.random() }
        var transcript = Transcript(label: ZKCommand.transcriptLabel)
        let proof: RangeProof, commitments: [PedersenCommitment]
        do {
            (proof, commitments) = try RangeProof.prove(values: parsed, blindings: blindings, bits: bits,
                                                        transcript: &transcript)
        } catch {
            throw CLIError(error.description)
        }
        var object: [String: Any] = ["bits": bits, "proof": Hex.encode(proof.bytes)]
        if commitments.count == 1 {
            object["commitment"] = Hex.encode(commitments[0].bytes)
        } else {
            object["commitments"] = commitments.map { Hex.encode($0.bytes) }
        }
        if let blindingOut {
            let text = blindings.map { Hex.encode($0.bytes) }.joined(separator: "\n") + "\n"
            try CLIIO.write(Data(text.utf8), to: blindingOut, secret: true, force: force)
        }
        if let out {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try CLIIO.write(data + Data("\n".utf8), to: out, inputs: [blindingOut])
        } else {
            try CLIIO.printJSON(object)
        }
    }
}

struct ZKVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a range proof written by `zk prove`; exit 0 when valid, 1 when not.",
        discussion: """
            Input: the JSON object `zk prove` writes (no duplicate keys; at most 256 MiB). A proof or \
            commitment that does not decode (wrong length, not hex, not a curve point) is malformed: exit 2. \
            A well-formed proof that does not verify: exit 1.
            """)

    @Option(name: .customLong("in"), help: "Proof JSON file (default: stdin).")
    var input: String?

    func run() throws {
        let data = try CLIIO.read(input)
        do { try JSONKeys.check(data) } catch { throw CLIError("\(input ?? "standard input"): \(error)") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CLIError("input is not a JSON object")
        }
        guard let bits = object["bits"] as? Int else { throw CLIError("missing integer \"bits\"") }
        guard let proofHex = object["proof"] as? String else { throw CLIError("missing string \"proof\"") }
        let commitmentHexes: [String]
        if let one = object["commitment"] as? String {
            commitmentHexes = [one]
        } else if let many = object["commitments"] as? [String] {
            commitmentHexes = many
        } else {
            throw CLIError("missing \"commitment\" or \"commitments\"")
        }
        let proof: RangeProof
        let commitments: [PedersenCommitment]
        do {
            proof = try RangeProof(bytes: Hex.decode(proofHex))
            commitments = try commitmentHexes.map { try PedersenCommitment(bytes: Hex.decode($0, length: 32)) }
        } catch let error as CustomStringConvertible {
            // A proof or commitment that does not decode is malformed input (exit 2); exit 1 is kept for a
            // well-formed proof that does not verify.
            throw CLIError("malformed proof: \(error.description)")
        }
        var transcript = Transcript(label: ZKCommand.transcriptLabel)
        if proof.verify(commitments: commitments, bits: bits, transcript: &transcript) {
            CLIIO.printError("valid: \(commitments.count) value(s) below 2^\(bits)")
        } else {
            CLIIO.printError("invalid: the proof does not verify")
            throw ExitCode(1)
        }
    }
}
