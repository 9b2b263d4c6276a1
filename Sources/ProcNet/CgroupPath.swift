/// The container and Kubernetes pod a process belongs to, read from its cgroup path
/// (`/proc/<pid>/cgroup`, cgroups(7)): the container runtimes name a container's cgroup after
/// its ID, and the kubelet names a pod's after its UID.
///
///     0::/system.slice/docker-<id>.scope                                   Docker, systemd driver
///     0::/docker/<id>                                                      Docker, cgroupfs driver
///     0::/kubepods.slice/kubepods-burstable.slice/
///         kubepods-burstable-pod<uid, _ for ->.slice/cri-containerd-<id>.scope     containerd
///     0::/kubepods/besteffort/pod<uid>/<id>                                kubelet, cgroupfs driver
///     0::/machine.slice/libpod-<id>.scope, crio-<id>.scope                 Podman, CRI-O
public struct CgroupPath: Sendable, Hashable {
    /// The 64-hex-digit container ID, when a component names one.
    public var containerID: String?
    /// The pod UID with dashes (the form kube-state-metrics' `kube_pod_info{uid}` uses).
    public var podUID: String?

    public init(containerID: String? = nil, podUID: String? = nil) {
        self.containerID = containerID
        self.podUID = podUID
    }

    static let containerPrefixes = ["docker-", "cri-containerd-", "crio-", "libpod-", "containerd-"]

    /// Parses the whole file; the first line that names a container or pod wins (on cgroup v1
    /// every hierarchy repeats the same path).
    public static func parse(_ bytes: [UInt8]) -> CgroupPath {
        var found = CgroupPath()
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // hierarchy-ID:controllers:path — the path may itself hold ':'.
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for component in fields[2].split(separator: UInt8(ascii: "/")) {
                let name = strippingUnitSuffix(String(decoding: component, as: UTF8.self))
                if found.containerID == nil { found.containerID = containerID(in: name) }
                if found.podUID == nil { found.podUID = podUID(in: name) }
            }
            if found.containerID != nil || found.podUID != nil { return found }
        }
        return found
    }

    static func strippingUnitSuffix(_ name: String) -> String {
        for suffix in [".scope", ".slice"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    static func containerID(in name: String) -> String? {
        if isContainerID(name) { return name }
        for prefix in containerPrefixes where name.hasPrefix(prefix) {
            let rest = String(name.dropFirst(prefix.count))
            if isContainerID(rest) { return rest }
        }
        return nil
    }

    /// `pod<uid>` or `kubepods-<qos>-pod<uid with _>`: the 36 characters after the last "pod".
    static func podUID(in name: String) -> String? {
        let characters = Array(name.utf8)
        guard characters.count >= 39 else { return nil }
        let uid = characters.suffix(36)
        guard Array(characters[characters.count - 39..<characters.count - 36]) == Array("pod".utf8),
              name.hasPrefix("pod") || name.hasPrefix("kubepods") else { return nil }
        var dashes = 0
        var text = ""
        for byte in uid {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "_"):
                dashes += 1
                text.append("-")
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                text.append(Character(Unicode.Scalar(byte)))
            default:
                return nil
            }
        }
        return dashes == 4 ? text : nil
    }

    static func isContainerID(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }
}
