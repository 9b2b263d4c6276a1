import Exposition
import ProcNet

extension MetricValue {
    /// A /proc value as an exact integer sample: unsigned, or signed when the kernel printed a
    /// negative (Tcp MaxConn = -1).
    init(_ value: ProcValue) {
        switch value {
        case .unsigned(let number): self = .unsigned(number)
        case .negative(let number): self = .signed(number)
        }
    }
}
