import DataFiBigNum

// The rules of contributions: verification by the compute node, withdrawal by the owner, and review by
// staked validators whose stake-weighted median quality weights the owner's shares.
extension Market {
    /// The slot of `id` and asset `index` in it.
    private func storedAsset(_ id: DatasetID, _ index: Int) throws(MarketError) -> (slot: Int, asset: StoredAsset) {
        let slot = try slot(id)
        guard let list = storedAssets[id], list.indices.contains(index) else { throw .unknownAsset(dataset: id, asset: index) }
        return (slot, list[index])
    }

    mutating func verifyAsset(_ id: DatasetID, asset index: Int, verdict: AssetVerdict, node: AccountID,
                              at time: UInt64) throws(MarketError) -> [MarketEvent] {
        guard node == computeOperator else { throw .notComputeOperator(node) }
        let (slot, asset) = try storedAsset(id, index)
        guard asset.status == .pending else { throw .assetNotPending(dataset: id, asset: index) }
        switch verdict {
        case .accept(let records):
            guard (1...AssetMetadata.maxRecords).contains(records) else { throw .invalidRecordCount(records) }
            guard datasetList[slot].review != nil else {
                let totals = try verificationTotals(slot: slot, owner: asset.owner, records: records, quality: 10_000)
                let opened = logVerification(asset, in: id, node: node, at: time)
                return [opened] + verify(slot: slot, asset: asset, records: records, quality: 10_000, totals: totals)
            }
            let opened = logVerification(asset, in: id, node: node, at: time)
            storedAssets[id]![index].status = .inReview(records: records)
            return [opened, .assetAttested(dataset: id, asset: index, records: records)]
        case .reject(let reason):
            guard reason != .lowQuality else { throw .rejectionReasonReserved(reason) }
            // An unreadable asset was never opened; one that failed the requirements was.
            let opened = reason == .unreadable ? [] : [logVerification(asset, in: id, node: node, at: time)]
            return opened + reject(slot: slot, asset: asset, reason: reason)
        }
    }

    /// The purpose recorded in the access log when the compute node opens an asset to verify it.
    public static let verificationPurpose = "asset verification"

    /// Records the node's opening of `asset` to verify it: task 0, the node as consumer.
    private mutating func logVerification(_ asset: StoredAsset, in id: DatasetID, node: AccountID,
                                          at time: UInt64) -> MarketEvent {
        let access = AccessRecord(sequence: accessLog.count, task: 0, consumer: node, owner: asset.owner, dataset: id,
                                  asset: asset.index, purpose: Self.verificationPurpose, time: time, node: node)
        accessLog.append(access)
        accessByOwner[asset.owner, default: []].append(access.sequence)
        return .accessed(access)
    }

    /// The owner's shares, the dataset's shares and its verified records after verifying an asset of `owner`
    /// with `records` at `quality`.
    /// - Throws: ``MarketError/arithmeticOverflow`` when a total exceeds 2^64 − 1.
    private func verificationTotals(slot: Int, owner: AccountID, records: UInt64,
                                    quality: UInt16) throws(MarketError) -> (owner: UInt64, shares: UInt64, records: UInt64) {
        let ds = datasetList[slot]
        let shares = StoredAsset.shares(records: records, quality: quality)
        let held = positions[PositionKey(dataset: ds.id, account: owner)]?.shares ?? 0
        let (ownerShares, o1) = held.addingReportingOverflow(shares)
        let (total, o2) = ds.totalShares.addingReportingOverflow(shares)
        let (verifiedRecords, o3) = ds.rewards.verifiedRecords.addingReportingOverflow(records)
        guard !o1, !o2, !o3 else { throw .arithmeticOverflow }
        return (ownerShares, total, verifiedRecords)
    }

    /// Makes a pending or in-review asset verified, with totals from ``verificationTotals(slot:owner:records:quality:)``:
    /// its owner gains `records × quality / 10,000` shares (the settled rewards of its earlier shares kept in
    /// `owed`) and is paid the held join reward.
    private mutating func verify(slot: Int, asset: StoredAsset, records: UInt64, quality: UInt16,
                                 totals: (owner: UInt64, shares: UInt64, records: UInt64)) -> [MarketEvent] {
        let ds = datasetList[slot]
        let shares = StoredAsset.shares(records: records, quality: quality)
        let key = PositionKey(dataset: ds.id, account: asset.owner)
        var position = positions[key] ?? OwnerPosition()
        let (ownerShares, total, verifiedRecords) = totals
        // Settle what the old shares earned, then restart the debt at the new shares (rounded up, so an
        // owner is never credited more than the exact share of what was paid in).
        position.owed = Self.pending(position, acc: ds.accRewardPerShare)
        position.shares = ownerShares
        position.rewardDebt = Self.accrued(ownerShares, ds.accRewardPerShare).ceiling
        position.assets += 1
        // Commit.
        positions[key] = position
        storedAssets[ds.id]![asset.index].status = .verified(records: records, quality: quality)
        storedAssets[ds.id]![asset.index].heldReward = .zero
        datasetList[slot].rewards.totalShares = total
        datasetList[slot].rewards.verifiedRecords = verifiedRecords
        datasetList[slot].rewards.verifiedAssets += 1
        datasetList[slot].rewards.heldJoinRewards -= asset.heldReward
        credit(.data(slot: slot), asset.owner, asset.heldReward)
        return [.assetVerified(dataset: ds.id, owner: asset.owner, asset: asset.index, records: records, quality: quality,
                               shares: shares, reward: asset.heldReward)]
    }

    /// Closes a pending or in-review asset: the held join reward returns to the reserve and its reviewers'
    /// locks are released (their scores stay on record).
    private mutating func close(slot: Int, asset: StoredAsset, as status: AssetStatus) {
        let id = datasetList[slot].id
        storedAssets[id]![asset.index].status = status
        storedAssets[id]![asset.index].heldReward = .zero
        datasetList[slot].rewards.heldJoinRewards -= asset.heldReward
        datasetList[slot].rewards.rewardReserve += asset.heldReward
        if case .inReview = asset.status {
            for review in asset.reviews { stakes[PositionKey(dataset: id, account: review.validator)]?.openReviews -= 1 }
        }
    }

    private mutating func reject(slot: Int, asset: StoredAsset, reason: AssetRejection) -> [MarketEvent] {
        close(slot: slot, asset: asset, as: .rejected(reason: reason))
        return [.assetRejected(dataset: datasetList[slot].id, owner: asset.owner, asset: asset.index, reason: reason)]
    }

    mutating func withdrawAsset(_ id: DatasetID, asset index: Int, owner: AccountID) throws(MarketError) -> [MarketEvent] {
        let (slot, asset) = try storedAsset(id, index)
        guard asset.owner == owner else { throw .notAssetOwner(dataset: id, asset: index, account: owner) }
        switch asset.status {
        case .rejected, .withdrawn:
            throw .assetClosed(dataset: id, asset: index)
        case .pending, .inReview:
            close(slot: slot, asset: asset, as: .withdrawn)
        case .verified(let records, _):
            let ds = datasetList[slot]
            let shares = asset.shares
            let key = PositionKey(dataset: id, account: owner)
            // A verified asset's owner has a position holding at least its shares.
            var position = positions[key] ?? OwnerPosition()
            position.owed = Self.pending(position, acc: ds.accRewardPerShare)
            position.shares -= shares
            position.rewardDebt = Self.accrued(position.shares, ds.accRewardPerShare).ceiling
            position.assets -= 1
            // Commit: the asset stops earning; what it earned stays in `owed`, claimable.
            positions[key] = position
            storedAssets[id]![index].status = .withdrawn
            datasetList[slot].rewards.totalShares -= shares
            datasetList[slot].rewards.verifiedRecords -= records
            datasetList[slot].rewards.verifiedAssets -= 1
        }
        return [.assetWithdrawn(dataset: id, owner: owner, asset: index)]
    }

    // MARK: Validators

    private func reviewTerms(_ id: DatasetID) throws(MarketError) -> (slot: Int, terms: ReviewTerms) {
        let slot = try slot(id)
        guard let terms = datasetList[slot].review else { throw .reviewsNotEnabled(id) }
        return (slot, terms)
    }

    mutating func stake(_ id: DatasetID, amount: UInt256, validator: AccountID) throws(MarketError) -> [MarketEvent] {
        let (slot, _) = try reviewTerms(id)
        guard !amount.isZero else { throw .zeroAmount }
        try require(.base, validator, amount)
        // Commit. A stake is part of the base token's supply (< 2^112): no overflow.
        debit(.base, validator, amount)
        stakes[PositionKey(dataset: id, account: validator), default: ValidatorStake()].amount += amount
        datasetList[slot].validation.totalStaked += amount
        return [.staked(dataset: id, validator: validator, amount: amount)]
    }

    mutating func unstake(_ id: DatasetID, amount: UInt256, validator: AccountID) throws(MarketError) -> [MarketEvent] {
        let (slot, _) = try reviewTerms(id)
        guard !amount.isZero else { throw .zeroAmount }
        let key = PositionKey(dataset: id, account: validator)
        let stake = stakes[key] ?? ValidatorStake()
        guard stake.amount >= amount else { throw .insufficientStake(dataset: id, staked: stake.amount, requested: amount) }
        guard stake.openReviews == 0 else { throw .stakeLocked(dataset: id, openReviews: stake.openReviews) }
        // Commit.
        if stake.amount == amount { stakes[key] = nil } else { stakes[key]!.amount = stake.amount - amount }
        datasetList[slot].validation.totalStaked -= amount
        credit(.base, validator, amount)
        return [.unstaked(dataset: id, validator: validator, amount: amount)]
    }

    mutating func fundReviewPool(_ id: DatasetID, amount: UInt256, from account: AccountID) throws(MarketError) -> [MarketEvent] {
        let (slot, _) = try reviewTerms(id)
        guard !amount.isZero else { throw .zeroAmount }
        try require(.base, account, amount)
        debit(.base, account, amount)
        datasetList[slot].validation.reviewPool += amount
        return [.reviewPoolFunded(dataset: id, from: account, amount: amount)]
    }

    mutating func reviewAsset(_ id: DatasetID, asset index: Int, score: UInt16,
                              validator: AccountID) throws(MarketError) -> [MarketEvent] {
        let (slot, terms) = try reviewTerms(id)
        let (_, asset) = try storedAsset(id, index)
        guard case .inReview(let records) = asset.status else { throw .assetNotInReview(dataset: id, asset: index) }
        guard score <= 10_000 else { throw .scoreOutOfRange(score) }
        guard asset.owner != validator else { throw .ownerCannotReview(dataset: id, asset: index) }
        guard !asset.reviews.contains(where: { $0.validator == validator }) else {
            throw .alreadyReviewed(dataset: id, asset: index, validator: validator)
        }
        let key = PositionKey(dataset: id, account: validator)
        let staked = stakes[key]?.amount ?? .zero
        guard staked >= terms.minimumStake else {
            throw .stakeBelowMinimum(dataset: id, needed: terms.minimumStake, staked: staked)
        }
        let reviews = asset.reviews + [Review(validator: validator, score: score, weight: staked)]
        let event = MarketEvent.reviewed(dataset: id, asset: index, validator: validator, score: score)
        guard reviews.count == terms.reviewsRequired else {
            // Commit: the score is recorded and locks the validator's stake until the review settles.
            storedAssets[id]![index].reviews = reviews
            stakes[key]!.openReviews += 1
            return [event]
        }
        // The last score settles the review. Checks first: a verification must fit the dataset's totals.
        let keys = reviews.map { PositionKey(dataset: id, account: $0.validator) }
        let settlement = ReviewSettlement(reviews: reviews, stakes: keys.map { stakes[$0]?.amount ?? .zero }, terms: terms,
                                          pool: datasetList[slot].validation.reviewPool)
        let passes = settlement.quality >= terms.threshold
        let totals = passes
            ? try verificationTotals(slot: slot, owner: asset.owner, records: records, quality: settlement.quality) : nil
        // Commit: release the locks, slash and pay, then verify or reject.
        var events = [event, MarketEvent.reviewSettled(dataset: id, asset: index, quality: settlement.quality)]
        storedAssets[id]![index].reviews = reviews
        for (i, review) in reviews.enumerated() {
            // The earlier reviewers hold a lock for this asset; the last one never took one.
            if i < reviews.count - 1 { stakes[keys[i]]?.openReviews -= 1 }
            if !settlement.slashed[i].isZero {
                stakes[keys[i]]!.amount -= settlement.slashed[i]
                datasetList[slot].validation.totalStaked -= settlement.slashed[i]
                events.append(.validatorSlashed(dataset: id, validator: review.validator, amount: settlement.slashed[i]))
            }
            if !settlement.paid[i].isZero {
                credit(.base, review.validator, settlement.paid[i])
                events.append(.validatorRewarded(dataset: id, validator: review.validator, amount: settlement.paid[i]))
            }
        }
        for key in keys where stakes[key].map({ $0.amount.isZero && $0.openReviews == 0 }) == true { stakes[key] = nil }
        datasetList[slot].validation.reviewPool = settlement.poolAfter
        // The locks are released above: close the asset without releasing them again.
        var settled = asset
        settled.reviews = []
        if let totals {
            events += verify(slot: slot, asset: settled, records: records, quality: settlement.quality, totals: totals)
        } else {
            events += reject(slot: slot, asset: settled, reason: .lowQuality)
        }
        return events
    }
}
