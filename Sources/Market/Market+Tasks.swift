import DataFiBigNum

// The rules of compute tasks: payment into escrow, execution over the verified assets with failures
// excluded and refunded (centrally, or federated with the non-contributors excluded), cancellation after the
// deadline.
extension Market {
    mutating func submitTask(_ order: TaskOrder, consumer: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        try Self.check(order.deadline, time)
        let id = order.dataset
        // One hash for the dataset; fields are read and written in place (no copy of the dataset).
        let index = try slot(id)
        guard Self.text(order.purpose, limit: 200) else { throw .invalidPurpose }
        let rewards = datasetList[index].rewards
        if let job = order.federated {
            if let problem = job.problem { throw .invalidFederatedJob(problem) }
            guard job.threshold <= rewards.verifiedAssets else {
                throw .invalidFederatedJob(.thresholdAboveParticipants(threshold: job.threshold,
                                                                       participants: rewards.verifiedAssets))
            }
        }
        let dataIs0 = datasetList[index].dataIsToken0
        let reserve0 = datasetList[index].pool.reserve0, reserve1 = datasetList[index].pool.reserve1
        let (fee, dataTokens) = try Self.price(order, rewards: rewards, pricing: datasetList[index].pricing,
                                               reserveData: dataIs0 ? reserve0 : reserve1,
                                               reserveBase: dataIs0 ? reserve1 : reserve0)
        guard fee <= order.maximumFee else { throw .excessiveInput(maximum: order.maximumFee, actual: fee) }
        guard dataTokens <= order.maximumDataTokens else {
            throw .excessiveInput(maximum: order.maximumDataTokens, actual: dataTokens)
        }
        // One lookup in each balance table; the entries are read and later written in place.
        let baseEntry = baseBalances.index(forKey: consumer)
        let baseHeld = baseEntry.map { baseBalances.values[$0] } ?? .zero
        guard baseHeld >= fee else {
            throw .insufficientBalance(token: baseToken, account: consumer, needed: fee, available: baseHeld)
        }
        let dataEntry = dataBalances.index(forKey: DataBalanceKey(slot: index, account: consumer))
        let dataHeld = dataEntry.map { dataBalances.values[$0] } ?? .zero
        guard dataHeld >= dataTokens, let baseEntry, let dataEntry else {
            throw .insufficientBalance(token: id.token, account: consumer, needed: dataTokens, available: dataHeld)
        }
        // Both amounts come from balances below 2^112: the escrow sums cannot overflow 256 bits.
        // Commit: O(1) whatever the number of owners. The fee is positive, so a base balance can reach zero
        // here; zero entries are removed.
        if baseHeld == fee { baseBalances.remove(at: baseEntry) } else { baseBalances.values[baseEntry] = baseHeld - fee }
        if dataHeld == dataTokens {
            dataBalances.remove(at: dataEntry)
        } else {
            dataBalances.values[dataEntry] = dataHeld - dataTokens
        }
        datasetList[index].rewards.escrowedFees = rewards.escrowedFees + fee
        datasetList[index].rewards.escrowedDataTokens = rewards.escrowedDataTokens + dataTokens
        let taskID = taskStore.append(TaskRecord(
            consumer: consumer, purpose: order.purpose, rows: order.complexity.rows, submittedAt: time,
            deadline: order.deadline, dataTokens: Amount128(dataTokens), datasetSlot: UInt32(index),
            operationsPerRow: UInt32(order.complexity.operationsPerRow), status: .paid))
        if let job = order.federated { federatedTasks[taskID] = FederatedTaskState(job: job) }
        return [.taskSubmitted(task: taskID, dataset: id, consumer: consumer, fee: fee, dataTokens: dataTokens,
                               node: computeOperator)]
    }

    /// The record of a task that is still paid (not executed, not cancelled).
    private func paidTask(_ taskID: UInt64) throws(MarketError) -> TaskRecord {
        guard let record = taskStore[taskID] else { throw .unknownTask(taskID) }
        switch record.status {
        case .paid: return record
        case .executed: throw .taskAlreadyExecuted(taskID)
        case .cancelled: throw .taskCancelled(taskID)
        }
    }

    /// Executes a paid central task over the dataset's verified assets (see ``settle(_:_:excluded:node:at:federated:)``).
    mutating func recordAccess(_ taskID: UInt64, failed: [Int], node: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        guard node == computeOperator else { throw .notComputeOperator(node) }
        let record = try paidTask(taskID)
        guard federatedTasks[taskID] == nil else { throw .taskIsFederated(taskID) }
        guard time <= record.deadline else { throw .taskExpired(task: taskID, deadline: record.deadline, now: time) }
        guard let excluded = Self.ascendingVerified(failed, in: storedAssets[datasetList[Int(record.datasetSlot)].id] ?? [])
        else { throw .invalidFailedAssets(task: taskID) }
        return try settle(taskID, record, excluded: excluded, node: node, at: time, federated: false)
    }

    /// Completes a paid federated task with the aggregate of `contributors` (ascending verified assets, at least
    /// the job's threshold); the verified assets that did not contribute are excluded as failed ones are.
    mutating func recordFederatedResult(_ taskID: UInt64, contributors: [Int], digest: String, node: AccountID,
                                        at time: UInt64) throws(MarketError) -> [MarketEvent] {
        guard node == computeOperator else { throw .notComputeOperator(node) }
        let record = try paidTask(taskID)
        guard let state = federatedTasks[taskID] else { throw .taskNotFederated(taskID) }
        guard time <= record.deadline else { throw .taskExpired(task: taskID, deadline: record.deadline, now: time) }
        guard FederatedTaskJob.isWellFormedDigest(digest) else { throw .invalidResultDigest(task: taskID) }
        let dataset = datasetList[Int(record.datasetSlot)].id
        let assets = storedAssets[dataset] ?? []
        guard Self.ascendingVerified(contributors, in: assets) != nil else { throw .invalidContributors(task: taskID) }
        guard contributors.count >= state.job.threshold else {
            throw .tooFewContributors(task: taskID, contributors: contributors.count, threshold: state.job.threshold)
        }
        // The verified assets that are not contributors, ascending.
        var excluded: [Int] = []
        var next = 0
        for asset in assets {
            guard case .verified = asset.status else { continue }
            if next < contributors.count, contributors[next] == asset.index {
                next += 1
            } else {
                excluded.append(asset.index)
            }
        }
        let settled = try settle(taskID, record, excluded: excluded, node: node, at: time, federated: true)
        federatedTasks[taskID]?.outcome = FederatedTaskOutcome(contributors: contributors, digest: digest)
        return [.federatedResultRecorded(task: taskID, dataset: dataset, contributors: contributors, digest: digest)]
            + settled
    }

    /// `indexes` when it is an ascending list of verified assets of `assets`, otherwise `nil`.
    private static func ascendingVerified(_ indexes: [Int], in assets: [StoredAsset]) -> [Int]? {
        var previous = -1
        for index in indexes {
            guard index > previous, assets.indices.contains(index), case .verified = assets[index].status else {
                return nil
            }
            previous = index
        }
        return indexes
    }

    /// Settles a paid task whose `excluded` assets (ascending, verified) took no part. The owners of the others
    /// share `floor(dataTokens · includedShares / allShares)` pro rata through the reward per share; the
    /// excluded assets' owners get nothing from it (their debt absorbs the increment), and the rest returns to
    /// the consumer. Each included asset gets an access-log entry (marked `federated` when it was not opened).
    /// Checks everything before writing: on a throw nothing changed.
    private mutating func settle(_ taskID: UInt64, _ record: TaskRecord, excluded failed: [Int], node: AccountID,
                                 at time: UInt64, federated: Bool) throws(MarketError) -> [MarketEvent] {
        let slot = Int(record.datasetSlot)
        let ds = datasetList[slot]
        let assets = storedAssets[ds.id] ?? []
        var failedShares: UInt64 = 0
        for index in failed { failedShares += assets[index].shares }   // a subset of totalShares: no overflow
        let dataTokens = record.dataTokens.value
        let fee = record.fee(under: ds.pricing)
        let totalShares = ds.totalShares, openedShares = totalShares - failedShares
        var paid = UInt256.zero, increment = UInt256.zero
        if openedShares > 0 {
            // dataTokens < 2^112 and openedShares ≤ totalShares: the quotient is at most dataTokens.
            guard let share = try? UInt256.mulDiv(dataTokens, UInt256(openedShares), UInt256(totalShares)) else {
                throw .arithmeticOverflow
            }
            paid = share
            increment = TaskArithmetic.shiftedQuotient(paid, dividedBy: openedShares)
        }
        let (acc, o1) = ds.accRewardPerShare.addingReportingOverflow(increment)
        let (ownerPool, o2) = ds.ownerPool.addingReportingOverflow(paid)
        let (paidIn, o3) = ds.totalPaidIn.addingReportingOverflow(paid)
        let (fees, o4) = computeFees.addingReportingOverflow(fee)
        guard !o1, !o2, !o3, !o4 else { throw .arithmeticOverflow }
        let refund = dataTokens - paid
        // Commit.
        taskStore.setStatus(.executed, of: taskID)
        datasetList[slot].rewards.escrowedFees = ds.rewards.escrowedFees - fee
        datasetList[slot].rewards.escrowedDataTokens = ds.rewards.escrowedDataTokens - dataTokens
        datasetList[slot].rewards.accRewardPerShare = acc
        datasetList[slot].rewards.ownerPool = ownerPool
        datasetList[slot].rewards.totalPaidIn = paidIn
        computeFees = fees
        credit(.data(slot: slot), record.consumer, refund)
        // An excluded asset's shares take no part in this increment: its owner's debt grows by what they would
        // accrue from it (rounded up, so an owner is never credited more than its exact share).
        if !increment.isZero {
            for index in failed {
                let key = PositionKey(dataset: ds.id, account: assets[index].owner)
                positions[key]?.rewardDebt += Self.accrued(assets[index].shares, increment).ceiling
            }
        }
        var events: [MarketEvent] = []
        var next = 0
        for asset in assets {
            guard case .verified = asset.status else { continue }
            if next < failed.count, failed[next] == asset.index {
                next += 1
                continue
            }
            let access = AccessRecord(sequence: accessLog.count, task: taskID, consumer: record.consumer, owner: asset.owner,
                                      dataset: ds.id, asset: asset.index, purpose: record.purpose, time: time, node: node,
                                      federated: federated)
            accessLog.append(access)
            accessByOwner[asset.owner, default: []].append(access.sequence)
            events.append(.accessed(access))
        }
        events.append(.taskSettled(task: taskID, dataset: ds.id, consumer: record.consumer, fee: fee, paid: paid,
                                   refunded: refund, excluded: failed))
        return events
    }

    mutating func cancelTask(_ taskID: UInt64, consumer: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        let record = try paidTask(taskID)
        guard record.consumer == consumer else { throw .notTaskConsumer(task: taskID, account: consumer) }
        guard time > record.deadline else { throw .taskNotExpired(task: taskID, deadline: record.deadline, now: time) }
        let slot = Int(record.datasetSlot)
        let ds = datasetList[slot]
        let fee = record.fee(under: ds.pricing), dataTokens = record.dataTokens.value
        // Commit: a full refund from escrow.
        taskStore.setStatus(.cancelled, of: taskID)
        datasetList[slot].rewards.escrowedFees = ds.rewards.escrowedFees - fee
        datasetList[slot].rewards.escrowedDataTokens = ds.rewards.escrowedDataTokens - dataTokens
        credit(.base, consumer, fee)
        credit(.data(slot: slot), consumer, dataTokens)
        return [.taskCancelled(task: taskID, dataset: ds.id, consumer: consumer, fee: fee, dataTokens: dataTokens)]
    }
}
