import ArgumentParser

// Placeholder until the foundation commands land.
struct KeysCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "keys") }
struct SignCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "sign") }
struct VerifyCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "verify") }
struct SealCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "seal") }
struct OpenCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "open") }
struct HashCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "hash") }
