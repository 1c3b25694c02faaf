import DataFiPrivacy
import DataFiRistretto
import DataFiSodium
import DataFiZK
import Foundation

/// A JSON document the person keeps in their wallet, with a type and a time.
public struct WalletRecord: Sendable, Equatable {
    /// A random 16-byte id, as 32 hex digits.
    public let id: String
    /// The record type (also the dataset name consent grants refer to), e.g. "bank-statement".
    public let type: String
    /// When the record was made or added, Unix seconds.
    public let time: Int64
    /// The document, UTF-8 JSON (an object or an array).
    public let document: [UInt8]
}

/// One use of the person's data, allowed by a grant, kept so the person can audit it.
public struct DataUse: Sendable, Equatable, Codable {
    /// The grant that allowed it (32 hex digits).
    public let grantID: String
    /// Who used the data.
    public let requester: String
    /// The record type used.
    public let dataset: String
    /// What for.
    public let purpose: String
    /// When, Unix seconds.
    public let time: Int64
    /// How many records were released.
    public let records: Int
}

/// A credential the person holds with its (secret) opening.
public struct HeldCredential: Sendable, Equatable {
    /// The scorer's signed credential.
    public let credential: CreditCredential
    /// The score and blinding behind its commitment.
    public let opening: CredentialOpening
}

/// A personal data wallet: the person's Ed25519 key, their records, their consent grants and
/// revocations and the uses made under them, their local-differential-privacy survey answers with
/// the budget they spend, and their CreditMe credentials.
///
/// A value type: every mutating operation either completes or throws and leaves the wallet
/// unchanged. ``WalletFile`` keeps it encrypted at rest.
public struct PersonalWallet: Sendable {
    /// The person's key; `package` so the ledger binding can sign the wallet's own consent records.
    package let signingKey: Signing.PrivateKey
    /// When the wallet was created, Unix seconds.
    public let created: Int64
    /// The person's records, in the order added.
    public private(set) var records: [WalletRecord] = []
    /// The person's consent grants and revocations.
    public private(set) var consents = ConsentBook()
    /// The data uses allowed so far.
    public private(set) var uses: [DataUse] = []
    /// The survey answers given so far.
    public private(set) var answers: [SurveyAnswer] = []
    /// The local ε budget: total, spent, number of answers.
    public private(set) var privacyLedger: PrivacyLedger
    /// The CreditMe credentials held.
    public private(set) var credentials: [HeldCredential] = []

    /// The largest document a record may hold, in bytes.
    public static let maxDocumentBytes = 1 << 20
    /// The most records a wallet holds.
    public static let maxRecords = 10_000
    /// The default total local ε budget for survey answers.
    public static let defaultEpsilonBudget = 8.0

    /// A new wallet with a fresh Ed25519 key.
    /// - Parameters:
    ///   - epsilonBudget: the total ε the person allows their survey answers to spend.
    ///   - now: the creation time, Unix seconds.
    /// - Throws: `WalletError.invalidEpsilon` unless the budget is positive and finite.
    public init(epsilonBudget: Double = PersonalWallet.defaultEpsilonBudget, now: Int64) throws(WalletError) {
        guard let ledger = try? PrivacyLedger(epsilon: epsilonBudget) else { throw .invalidEpsilon(epsilonBudget) }
        signingKey = Signing.PrivateKey()
        created = now
        privacyLedger = ledger
    }

    init(signingKey: Signing.PrivateKey, created: Int64, ledger: PrivacyLedger) {
        self.signingKey = signingKey
        self.created = created
        self.privacyLedger = ledger
    }

    /// The person's Ed25519 public key: the grantor of their consents and the holder of their credentials.
    public var publicKey: Signing.PublicKey { signingKey.publicKey }

    // MARK: Records

    static func isValidType(_ type: String) -> Bool {
        let utf8 = Array(type.utf8)
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    /// Adds a JSON document of `type` made at `time`.
    /// - Throws: `WalletError.invalidRecordType`, `.documentTooLarge`, `.documentNotJSON` (must be an
    ///   object or an array), `.tooManyRecords`.
    @discardableResult
    public mutating func addRecord(type: String, document: [UInt8], time: Int64) throws(WalletError) -> WalletRecord {
        guard Self.isValidType(type) else { throw .invalidRecordType(type) }
        guard document.count <= Self.maxDocumentBytes else {
            throw .documentTooLarge(limit: Self.maxDocumentBytes, actual: document.count)
        }
        guard Self.isJSONContainer(document) else { throw .documentNotJSON }
        guard records.count < Self.maxRecords else { throw .tooManyRecords(limit: Self.maxRecords) }
        let record = WalletRecord(id: Hex.encode(SecureRandom.bytes(count: 16)), type: type, time: time, document: document)
        records.append(record)
        return record
    }

    static func isJSONContainer(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { return false }
        return object is [String: Any] || object is [Any]
    }

    /// The records of one type, in the order added.
    public func records(ofType type: String) -> [WalletRecord] { records.filter { $0.type == type } }

    // MARK: Consent

    /// Signs and keeps a grant letting `subject` use the person's data for `purpose` from `issued`
    /// until `expires` (Unix seconds). Returns it, ready to be published (``ConsentGrant/bytes``).
    /// - Throws: `WalletError.invalidConsentText`, `.expiryNotAfterIssue`.
    @discardableResult
    public mutating func grantConsent(to subject: ConsentSubject, purpose: String, issued: Int64,
                                      expires: Int64) throws(WalletError) -> ConsentGrant {
        let grant = try ConsentGrant(subject: subject, purpose: purpose, issued: issued, expires: expires, signer: signingKey)
        try consents.add(grant, owner: publicKey)
        return grant
    }

    /// Signs and keeps the revocation of grant `id` (32 hex digits), effective at `at`.
    /// - Throws: `WalletError.unknownConsent`, `.alreadyRevoked`, `.revocationBeforeIssue`.
    @discardableResult
    public mutating func revokeConsent(id: String, at: Int64) throws(WalletError) -> ConsentRevocation {
        guard let grant = consents.grants.first(where: { $0.idHex == id.lowercased() }) else { throw .unknownConsent(id: id) }
        guard consents.revocation(of: grant) == nil else { throw .alreadyRevoked(id: grant.idHex) }
        guard at >= grant.issued else { throw .revocationBeforeIssue(id: grant.idHex) }
        let revocation = ConsentRevocation(grant: grant, revoked: at, signer: signingKey)
        try consents.add(revocation, owner: publicKey)
        return revocation
    }

    /// The grant that allows `subject` to use data for `purpose` at `at`.
    /// - Throws: as ``ConsentBook/check(subject:purpose:at:)``.
    public func checkConsent(subject: ConsentSubject, purpose: String, at: Int64) throws(WalletError) -> ConsentGrant {
        try consents.check(subject: subject, purpose: purpose, at: at)
    }

    /// Releases the records of type `dataset` to `requester` for `purpose` at time `at`, after checking
    /// for a valid, unrevoked, unexpired grant naming the requester or the dataset for that purpose;
    /// the use is logged in ``uses``.
    /// - Throws: `WalletError.noConsent`, `.consentExpired`, `.consentRevoked`, `.consentNotYetValid`
    ///   (nothing released, nothing logged).
    public mutating func release(recordsOfType dataset: String, to requester: String, purpose: String,
                                 at: Int64) throws(WalletError) -> [WalletRecord] {
        let grant: ConsentGrant
        do {
            grant = try consents.check(subject: .requester(requester), purpose: purpose, at: at)
        } catch let requesterError {
            do {
                grant = try consents.check(subject: .dataset(dataset), purpose: purpose, at: at)
            } catch let datasetError {
                if case .noConsent = requesterError { throw datasetError }
                throw requesterError
            }
        }
        let released = records(ofType: dataset)
        uses.append(DataUse(grantID: grant.idHex, requester: requester, dataset: dataset, purpose: purpose,
                            time: at, records: released.count))
        return released
    }

    // MARK: Local differential privacy

    static func checkQuestion(_ question: String) throws(WalletError) {
        guard isCleanText(question, maxBytes: 128) else { throw .invalidQuestion(question) }
    }

    private mutating func charge(_ epsilon: Double) throws(WalletError) {
        guard epsilon.isFinite, epsilon > 0, epsilon <= 64 else { throw .invalidEpsilon(epsilon) }
        do {
            try privacyLedger.charge(epsilon: epsilon)
        } catch {
            throw WalletError(error, requested: epsilon, remaining: privacyLedger.remainingEpsilon)
        }
    }

    /// Answers a yes/no question with randomized response at local privacy `epsilon`, charged to the
    /// wallet's budget. Only the perturbed answer is returned and kept.
    /// - Throws: `WalletError.invalidQuestion`, `.invalidEpsilon`, `.privacyBudgetExhausted` (nothing
    ///   answered, nothing charged).
    public mutating func answerYesNo<R: RandomNumberGenerator>(question: String, truth: Bool, epsilon: Double, at: Int64,
                                                             using rng: inout R) throws(WalletError) -> SurveyAnswer {
        try Self.checkQuestion(question)
        guard epsilon <= 64, let mechanism = try? RandomizedResponse(epsilon: epsilon) else { throw .invalidEpsilon(epsilon) }
        var next = self
        try next.charge(epsilon)
        let answer = SurveyAnswer(question: question, mechanism: .randomizedResponse, categories: 2,
                                  reported: mechanism.respond(truth, using: &rng) ? 1 : 0, epsilon: epsilon, time: at)
        next.answers.append(answer)
        self = next
        return answer
    }

    /// ``answerYesNo(question:truth:epsilon:at:using:)`` with libsodium's CSPRNG.
    public mutating func answerYesNo(question: String, truth: Bool, epsilon: Double, at: Int64) throws(WalletError) -> SurveyAnswer {
        var rng = SecureBitSource()
        return try answerYesNo(question: question, truth: truth, epsilon: epsilon, at: at, using: &rng)
    }

    /// Answers a question with one of `categories` values (a local histogram) by k-ary randomized
    /// response at local privacy `epsilon`, charged to the wallet's budget.
    /// - Throws: `WalletError.invalidQuestion`, `.invalidEpsilon`, `.invalidCategory`,
    ///   `.privacyBudgetExhausted` (nothing answered, nothing charged).
    public mutating func answerCategory<R: RandomNumberGenerator>(question: String, value: Int, categories: Int, epsilon: Double,
                                                                at: Int64, using rng: inout R) throws(WalletError) -> SurveyAnswer {
        try Self.checkQuestion(question)
        let mechanism = try LocalHistogramResponse(epsilon: epsilon, categories: categories)
        guard value >= 0, value < categories else { throw .invalidCategory(value: value, categories: categories) }
        var next = self
        try next.charge(epsilon)
        let answer = SurveyAnswer(question: question, mechanism: .localHistogram, categories: categories,
                                  reported: try mechanism.respond(value, using: &rng), epsilon: epsilon, time: at)
        next.answers.append(answer)
        self = next
        return answer
    }

    /// ``answerCategory(question:value:categories:epsilon:at:using:)`` with libsodium's CSPRNG.
    public mutating func answerCategory(question: String, value: Int, categories: Int, epsilon: Double,
                                        at: Int64) throws(WalletError) -> SurveyAnswer {
        var rng = SecureBitSource()
        return try answerCategory(question: question, value: value, categories: categories, epsilon: epsilon, at: at, using: &rng)
    }

    // MARK: Credentials

    /// Keeps a credential issued to this wallet after checking the scorer's signature and the opening.
    /// - Throws: `WalletError.credentialForAnotherHolder`, `.invalidCredential(.badScorerSignature)`,
    ///   `.invalidCredential(.openingDoesNotMatch)`.
    public mutating func accept(_ credential: CreditCredential, opening: CredentialOpening) throws(WalletError) {
        guard credential.holder == publicKey else { throw .credentialForAnotherHolder }
        guard credential.isSignatureValid else { throw .invalidCredential(.badScorerSignature) }
        guard opening.opens(credential) else { throw .invalidCredential(.openingDoesNotMatch) }
        if credentials.contains(where: { $0.credential == credential }) { return }
        credentials.append(HeldCredential(credential: credential, opening: opening))
    }

    /// Proves `statement` about a credential's score to the verifier who sent `challenge`, signing
    /// with this wallet's key (see ``CreditPresentation``).
    /// - Throws: as ``CreditPresentation/prove(credential:opening:holderKey:statement:challenge:now:)``.
    public func present(_ credential: CreditCredential, opening: CredentialOpening, statement: ScoreStatement,
                        challenge: [UInt8], now: Int64) throws(CredentialError) -> CreditPresentation {
        try CreditPresentation.prove(credential: credential, opening: opening, holderKey: signingKey,
                                     statement: statement, challenge: challenge, now: now)
    }

    // MARK: Portability

    /// Everything the wallet holds except its secret key and the credentials' blindings, as one JSON
    /// object (sorted keys): `public_key`, `created`, `records` (with their documents), `consents`
    /// and `revocations` (fields and canonical encodings in hex), `uses`, `privacy` (budget, spent,
    /// answers) and `credentials` (fields and the score).
    public func exportJSON() -> [UInt8] {
        let object: [String: Any] = [
            "format": "datafi-wallet-export-v1",
            "public_key": Hex.encode(publicKey.rawRepresentation),
            "created": created,
            "records": records.map { record -> [String: Any] in
                ["id": record.id, "type": record.type, "time": record.time,
                 "data": (try? JSONSerialization.jsonObject(with: Data(record.document))) ?? NSNull()]
            },
            "consents": consents.grants.map { grant -> [String: Any] in
                var entry: [String: Any] = [
                    "id": grant.idHex, "subject_kind": grant.subject.kindByte == 1 ? "dataset" : "requester",
                    "subject": grant.subject.name, "purpose": grant.purpose, "issued": grant.issued,
                    "expires": grant.expires, "encoded": Hex.encode(grant.bytes),
                ]
                if let revocation = consents.revocation(of: grant) { entry["revoked"] = revocation.revoked }
                return entry
            },
            "revocations": consents.revocations.map { revocation -> [String: Any] in
                ["grant_id": Hex.encode(revocation.grantID), "revoked": revocation.revoked,
                 "encoded": Hex.encode(revocation.bytes)]
            },
            "uses": uses.map { use -> [String: Any] in
                ["grant_id": use.grantID, "requester": use.requester, "dataset": use.dataset, "purpose": use.purpose,
                 "time": use.time, "records": use.records]
            },
            "privacy": [
                "epsilon_budget": privacyLedger.totalEpsilon,
                "epsilon_spent": privacyLedger.spentEpsilon,
                "answers": answers.map { answer -> [String: Any] in
                    ["question": answer.question, "mechanism": answer.mechanism.rawValue, "categories": answer.categories,
                     "reported": answer.reported, "epsilon": answer.epsilon, "time": answer.time]
                },
            ] as [String: Any],
            "credentials": credentials.map { held -> [String: Any] in
                ["scorer": Hex.encode(held.credential.scorer.rawRepresentation), "model": held.credential.modelID,
                 "expires": held.credential.expires, "commitment": Hex.encode(held.credential.commitment.bytes),
                 "score": Int(held.opening.score)]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }
}

extension PersonalWallet {
    mutating func restore(records: [WalletRecord], grants: [ConsentGrant], revocations: [ConsentRevocation],
                          uses: [DataUse], answers: [SurveyAnswer], credentials: [HeldCredential]) throws(WalletError) {
        self.records = records
        for grant in grants { try consents.add(grant, owner: publicKey) }
        for revocation in revocations { try consents.add(revocation, owner: publicKey) }
        self.uses = uses
        for answer in answers {
            do { try privacyLedger.charge(epsilon: answer.epsilon) } catch { throw .unreadableContents }
        }
        self.answers = answers
        for held in credentials { try accept(held.credential, opening: held.opening) }
    }
}
