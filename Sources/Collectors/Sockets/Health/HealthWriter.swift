import Exposition
import ProcNet
import SocketOwners

/// The connection health families of one namespace (`ss -ti` as metrics): the RTT
/// distribution, stalled connections and the counters of what connections sent, received,
/// retransmitted and waited for, by port, direction and process, with the same bounded labels
/// as `netstat_tcp_connections` (state is left out: a connection's health follows it across states).
struct HealthWriter {
    /// Smoothed-RTT bucket bounds in microseconds: 100 µs to 5 s, about ×2.5 apart.
    static let rttBounds: [UInt32] = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
                                      500_000, 1_000_000, 2_500_000, 5_000_000]

    /// One label set's gauges this scrape.
    struct Sums {
        var rttBuckets = [UInt64](repeating: 0, count: HealthWriter.rttBounds.count + 1)
        var rttSumMicroseconds: UInt64 = 0
        var stalls = [UInt64](repeating: 0, count: HealthTally.Stalls.all.count)

        mutating func merge(_ other: Sums) {
            for index in rttBuckets.indices { rttBuckets[index] += other.rttBuckets[index] }
            rttSumMicroseconds += other.rttSumMicroseconds
            for index in stalls.indices { stalls[index] += other.stalls[index] }
        }
    }

    let attribution: AttributionWriter
    let health: HealthTally
    let labels: BoundedLabels

    func write(into metrics: inout MetricSet, state: HealthState, namespace: UInt64, now: Double) {
        let tally = attribution.tally
        // By (label key slot, owner) first, as the attribution families are summed, into flat
        // arrays (a bucket array per entry would be copied on every write through the map).
        let bucketCount = HealthWriter.rttBounds.count + 1, reasonCount = HealthTally.Stalls.all.count
        var entryOf = IntegerMap<UInt64, Int>(minimumCapacity: 64)
        var keys: [UInt64] = [], buckets: [UInt64] = [], rttSums: [UInt64] = [], stalls: [UInt64] = []
        var added: [TCPCounters] = []
        func entry(_ connection: Int) -> Int {
            let key = attribution.seriesKey(connection, slot: tally.connections[connection].slot)
            let next = keys.count
            let found = entryOf[slot: entryOf.slot(of: key) { next }]
            if found == next {
                keys.append(key)
                buckets += repeatElement(0, count: bucketCount)
                rttSums.append(0)
                stalls += repeatElement(0, count: reasonCount)
                added.append(TCPCounters())
            }
            return found
        }
        for connection in tally.connections.indices {
            let reasons = health.stalls[connection]
            guard reasons.contains(.sampled) else { continue }
            let index = entry(connection)
            let rtt = health.rttMicroseconds[connection]
            if rtt != HealthTally.noRTT {
                buckets[index * bucketCount + HealthWriter.bucket(of: rtt)] += 1
                rttSums[index] += UInt64(rtt)
            }
            guard reasons != .sampled else { continue }
            for (offset, reason) in HealthTally.Stalls.all.enumerated() where reasons.contains(reason.0) {
                stalls[index * reasonCount + offset] += 1
            }
        }
        for (connection, increments) in health.increments {
            added[entry(Int(connection))] += increments
        }

        var present: [[Label]: Sums] = [:]
        var counted: [[Label]: TCPCounters] = [:]
        for (index, key) in keys.enumerated() {
            let owner = AttributionWriter.owner(of: key)
            let labelKey = tally.keys[AttributionWriter.slot(of: key)]
            let series = [Label("port", labels.port(labelKey.port)),
                          Label("direction", labelKey.inbound ? "inbound" : "outbound"),
                          Label("process", labels.process(owner))]
            // A `pending` connection is one this scrape saw first: its counters are only a
            // baseline, and its owner is named next scrape, so a pending label set would only
            // ever carry zeros.
            if owner != .pending { counted[series, default: TCPCounters()] += added[index] }
            present[series, default: Sums()].merge(Sums(
                rttBuckets: Array(buckets[index * bucketCount..<(index + 1) * bucketCount]),
                rttSumMicroseconds: rttSums[index],
                stalls: Array(stalls[index * reasonCount..<(index + 1) * reasonCount])))
        }
        for family in SocketsCollector.healthFamilies where family.name != SocketsCollector.healthTracked.name {
            metrics.declare(family)
        }
        for (series, sums) in present {
            writeGauges(series, sums, into: &metrics)
        }
        for (series, totals) in state.add(counted, namespace: namespace, now: now) {
            writeCounters(series, totals, into: &metrics)
        }
    }

    private func writeGauges(_ series: [Label], _ sums: Sums, into metrics: inout MetricSet) {
        var cumulative: UInt64 = 0
        var buckets: [(upperBound: Double, count: UInt64)] = []
        for (index, count) in sums.rttBuckets.enumerated() {
            cumulative += count
            let bound = index < HealthWriter.rttBounds.count ? Double(HealthWriter.rttBounds[index]) / 1e6 : .infinity
            buckets.append((bound, cumulative))
        }
        if cumulative > 0 {
            metrics.addHistogram(SocketsCollector.rtt, series, buckets: buckets,
                                 sum: Double(sums.rttSumMicroseconds) / 1e6)
        }
        for (index, reason) in HealthTally.Stalls.all.enumerated() {
            metrics.add(SocketsCollector.stalledConnections, [Label("reason", reason.1)] + series,
                        .unsigned(sums.stalls[index]))
        }
    }

    private func writeCounters(_ series: [Label], _ totals: TCPCounters, into metrics: inout MetricSet) {
        metrics.add(SocketsCollector.retransmittedSegments, series, .unsigned(totals.retransmittedSegments))
        metrics.add(SocketsCollector.sentSegments, series, .unsigned(totals.sentSegments))
        metrics.add(SocketsCollector.ackedBytes, series, .unsigned(totals.bytesAcked))
        metrics.add(SocketsCollector.receivedBytes, series, .unsigned(totals.bytesReceived))
        for (reason, microseconds) in [("rwnd", totals.receiveWindowLimitedMicroseconds),
                                       ("sndbuf", totals.sendBufferLimitedMicroseconds),
                                       ("busy", totals.busyMicroseconds)] {
            metrics.add(SocketsCollector.limitedSeconds, [Label("reason", reason)] + series,
                        .double(Double(microseconds) / 1e6))
        }
    }

    /// The index of the first bucket whose bound is at or above `rtt` (the last: +Inf).
    static func bucket(of rtt: UInt32) -> Int {
        var index = 0
        while index < rttBounds.count, rtt > rttBounds[index] { index += 1 }
        return index
    }
}
