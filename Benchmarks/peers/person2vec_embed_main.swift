// The `datafi embed` flags that Benchmarks/peers/person2vec_peers.py passes, as a small stand-alone
// program (see person2vec_quick_build.sh); it prints the same `words= seconds=` line.
import Foundation
// Minimal stand-in for `datafi embed` (same flags the peer script passes), built with -O for speed.
var args = [String: String]()
var it = CommandLine.arguments.dropFirst(2).makeIterator()   // skip "embed"
while let k = it.next() { if let v = it.next() { args[String(k.dropFirst(2))] = v } }
let text = try String(contentsOfFile: args["corpus"]!, encoding: .utf8)
let sequences = BehaviourSequence.parseCorpus(text)
var c = Person2Vec.Configuration(dimension: Int(args["dim"]!)!, window: Int(args["window"]!)!, negative: Int(args["negative"]!)!,
    epochs: Int(args["epochs"]!)!, minCount: Int(args["min-count"]!)!, sample: Double(args["sample"]!)!,
    alpha: Float(args["alpha"]!)!, threads: 1, seed: UInt64(args["seed"]!)!)
if let n = args["noise-table-size"] { c.noiseTableSize = Int(n)! }
let m = try Person2Vec.train(corpus: sequences, configuration: c)
try m.wordVectors.text().write(toFile: args["out"]!, atomically: true, encoding: .utf8)
FileHandle.standardError.write("embed: words=\(m.wordsProcessed) seconds=\(m.trainingSeconds)\n".data(using: .utf8)!)
