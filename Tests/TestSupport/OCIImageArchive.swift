import Foundation

/// An OCI image archive (`buildah push IMAGE oci-archive:FILE`) taken apart with tar: the image
/// config, and the root filesystem its layers make when applied in order. Whiteout files are not
/// handled: our image is FROM scratch, one COPY, so it has none.
public struct OCIImageArchive {
    /// The image config's `config` object: Entrypoint, ExposedPorts, Labels …
    public let config: [String: Any]
    public let layerCount: Int
    public let rootfs: URL

    /// Unpacks `archive` into `directory/oci` and its root filesystem into `directory/rootfs`.
    public init(unpacking archive: String, into directory: URL) throws {
        let oci = directory.appendingPathComponent("oci")
        rootfs = directory.appendingPathComponent("rootfs")
        for folder in [oci, rootfs] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Self.tar(["-xf", archive, "-C", oci.path])
        let index = try Self.json(oci.appendingPathComponent("index.json"))
        guard let manifestDigest = (index["manifests"] as? [[String: Any]])?.first?["digest"] as? String else {
            throw OCIArchiveError.malformed("index.json has no manifest")
        }
        let manifest = try Self.json(Self.blob(manifestDigest, in: oci))
        guard let configDigest = (manifest["config"] as? [String: Any])?["digest"] as? String,
              let layers = manifest["layers"] as? [[String: Any]] else {
            throw OCIArchiveError.malformed("manifest has no config or layers")
        }
        config = try Self.json(Self.blob(configDigest, in: oci))["config"] as? [String: Any] ?? [:]
        layerCount = layers.count
        // GNU tar recognises gzip and zstd layers by their bytes.
        for layer in layers {
            guard let digest = layer["digest"] as? String else { throw OCIArchiveError.malformed("layer without digest") }
            try Self.tar(["-xf", Self.blob(digest, in: oci).path, "-C", rootfs.path])
        }
    }

    /// Every regular file of the root filesystem, as an absolute path inside it ("/bin/…").
    public func regularFiles() -> Set<String> {
        var files: Set<String> = []
        let enumerator = FileManager.default.enumerator(at: rootfs, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                files.insert(String(url.path.dropFirst(rootfs.path.count)))
            }
        }
        return files
    }

    private static func blob(_ digest: String, in oci: URL) -> URL {
        oci.appendingPathComponent("blobs").appendingPathComponent(digest.replacingOccurrences(of: ":", with: "/"))
    }

    private static func json(_ url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw OCIArchiveError.malformed("\(url.lastPathComponent) is not a JSON object")
        }
        return object
    }

    private static func tar(_ arguments: [String]) throws {
        let result = try Shell.run(["tar"] + arguments, timeout: 120)
        guard result.status == 0 else { throw OCIArchiveError.malformed("tar \(arguments.joined(separator: " ")): \(result.stderr)") }
    }
}

public enum OCIArchiveError: Error, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self { case .malformed(let what): "OCI archive: \(what)" }
    }
}
