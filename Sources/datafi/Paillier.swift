import ArgumentParser
import DataFiBigNum
import DataFiPaillier
import Foundation

// MARK: paillier

struct PaillierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paillier",
        abstract: "Paillier additively homomorphic encryption (keys and ciphertexts as decimal strings).",
        discussion: """
        Keys are JSON: {"n": …} public, {"n": …, "p": …, "q": …} private (mode 0600), the same numbers \
        as python-paillier's keys. Plaintexts are signed integers with python-paillier's encoding \
        (a negative m is n + m; |m| ≤ n/3).
        """,
        subcommands: [PaillierKeygenCommand.self, PaillierEncryptCommand.self, PaillierDecryptCommand.self,
                      PaillierAddCommand.self, PaillierBenchCommand.self])

    static func publicKey(_ path: String) throws -> PaillierPublicKey {
        let data = try CLIIO.read(path)
        do { return try PaillierPublicKey(json: data) } catch { throw CLIError("\(path): \(error.description)") }
    }

    static func privateKey(_ path: String) throws -> PaillierPrivateKey {
        let data = try CLIIO.read(path)
        do { return try PaillierPrivateKey(json: data) } catch { throw CLIError("\(path): \(error.description)") }
    }

    static func ciphertext(_ text: String, key: PaillierPublicKey, name: String) throws -> PaillierCiphertext {
        do { return try key.ciphertext(decimal: text, field: name) } catch { throw CLIError(error.description) }
    }
}

struct PaillierKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Generate a private key (written with mode 0600); print the public key JSON.")
    @Option(help: "Modulus size in bits: 1024, 2048, 3072 or 4096.") var bits = 2048
    @Option(help: "Private key output file.") var out: String
    @Flag(help: "Replace an existing key file.") var force = false

    func run() throws {
        let key: PaillierPrivateKey
        do { key = try PaillierPrivateKey.generate(bits: bits) } catch { throw CLIError(error.description) }
        try CLIIO.write(key.jsonData, to: out, secret: true, force: force)
        print(String(decoding: key.publicKey.jsonData, as: UTF8.self))
    }
}

struct PaillierEncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "encrypt", abstract: "Encrypt a signed integer; print the ciphertext.")
    @Option(help: "Public (or private) key JSON file.") var key: String
    @Option(parsing: .unconditional, help: "The integer to encrypt (decimal, optional leading minus).") var value: String

    func run() throws {
        let pk = try PaillierCommand.publicKey(key)
        let limit = pk.n.description.count + 1
        guard value.count <= limit, let m = BigInt(value), value.first != "+" else {
            throw CLIError("--value must be a decimal integer of at most \(limit) characters")
        }
        do { print(try pk.encrypt(signed: m).decimal) } catch { throw CLIError(error.description) }
    }
}

struct PaillierDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decrypt", abstract: "Decrypt a ciphertext; print the signed integer.")
    @Option(help: "Private key JSON file.") var key: String
    @Option(parsing: .unconditional, help: "The ciphertext (decimal).") var ciphertext: String

    func run() throws {
        let sk = try PaillierCommand.privateKey(key)
        let c = try PaillierCommand.ciphertext(ciphertext, key: sk.publicKey, name: "--ciphertext")
        do { print(try sk.decryptSigned(c).description) } catch { throw CLIError(error.description) }
    }
}

struct PaillierAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add two ciphertexts homomorphically; print the sum's ciphertext.")
    @Option(help: "Public (or private) key JSON file.") var key: String
    @Option(parsing: .unconditional, help: "First ciphertext (decimal).") var a: String
    @Option(parsing: .unconditional, help: "Second ciphertext (decimal).") var b: String

    func run() throws {
        let pk = try PaillierCommand.publicKey(key)
        let ca = try PaillierCommand.ciphertext(a, key: pk, name: "--a"), cb = try PaillierCommand.ciphertext(b, key: pk, name: "--b")
        do { print(try pk.rerandomize(pk.add(ca, cb)).decimal) } catch { throw CLIError(error.description) }
    }
}

struct PaillierBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time encryption and decryption on one thread; print JSON (microseconds per operation).",
        shouldDisplay: false)
    @Option(help: "Modulus size in bits.") var bits = 2048
    @Option(help: "Operations per measurement.") var count = 200
    @Option(help: "Private key JSON to use instead of a fresh one.") var key: String?

    func run() throws {
        guard (1...100_000).contains(count) else { throw CLIError("--count must be in 1...100000") }
        let sk: PaillierPrivateKey
        if let key { sk = try PaillierCommand.privateKey(key) } else {
            do { sk = try PaillierPrivateKey.generate(bits: bits) } catch { throw CLIError(error.description) }
        }
        let pk = sk.publicKey
        let values = (0..<count).map { Int64($0) * 7_919 - 1_000_000 }
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000 / Double(count)
        }
        var ciphertexts: [PaillierCiphertext] = []
        let encrypt = time { ciphertexts = values.map { pk.encrypt($0) } }
        var holder: [PaillierCiphertext] = []
        let holderEncrypt = time { holder = values.map { sk.encrypt($0) } }
        var plain: [BigInt] = []
        let decrypt = try time { plain = try ciphertexts.map { try sk.decryptSigned($0) } }
        guard plain == values.map({ BigInt($0) }), try holder.map({ try sk.decryptSigned($0) }) == plain else {
            throw CLIError("round trip failed")
        }
        var acc = ciphertexts[0]
        let add = try time { for c in ciphertexts { acc = try pk.add(acc, c) } }
        try CLIIO.printJSON(["bits": pk.bits, "count": count, "encrypt_us": encrypt, "encrypt_key_holder_us": holderEncrypt,
                             "decrypt_us": decrypt, "add_us": add])
    }
}
