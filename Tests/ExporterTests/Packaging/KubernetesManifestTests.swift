import Foundation
import Testing
import TestSupport

/// packaging/kubernetes/, the kustomize base (issue 20): rendered with `kubectl kustomize`, every
/// object valid (the built-in kinds with kubernetes-validate against Kubernetes 1.30's schemas; the
/// prometheus-operator kinds against the openAPIV3Schema of the operator's CRDs, pinned in
/// Tests/Fixtures/prometheus-operator/), the PrometheusRule holding exactly the rule groups of
/// dashboards/prometheus/thresholds.yml and rules.yml, and the Service and ServiceMonitor pointing
/// at the DaemonSet's pods and port with the node's name as `instance`. One monitor, so Prometheus
/// scrapes each node once: the component podmonitor/ replaces the ServiceMonitor (and its Service)
/// with a PodMonitor. Needs kubectl and kubernetes-validate in .build/python (`make deps`, or any
/// `make build`/`test`, installs both). Under a second.
@Suite struct KubernetesManifestTests {
    static let root = Fixtures.repositoryRoot.path
    static let base = root + "/packaging/kubernetes"
    static let podMonitorComponent = base + "/podmonitor"
    static let crds = Fixtures.path("prometheus-operator/v0.93.0")
    static let pythonPackages = root + "/.build/python"

    /// `kubectl kustomize` of a kustomization directory, the output in `directory`/rendered.yaml.
    static func render(_ kustomization: String, into directory: URL) throws -> String {
        let result = try Shell.run(["kubectl", "kustomize", kustomization], timeout: 30)
        #expect(result.status == 0, "kubectl kustomize \(kustomization): \(result.stderr)")
        let path = directory.appendingPathComponent("rendered.yaml").path
        try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// An overlay in `directory`/overlay, as a user writes one: `base` in its resources and
    /// `component` in its components (kustomize takes relative paths only).
    static func overlay(base: String, component: String, in directory: URL) throws -> String {
        let overlay = directory.appendingPathComponent("overlay")
        try Fixtures.write("""
            resources:
              - \(relativePath(from: overlay.path, to: base))
            components:
              - \(relativePath(from: overlay.path, to: component))

            """, to: "overlay/kustomization.yaml", in: directory)
        return overlay.path
    }

    static func relativePath(from directory: String, to target: String) -> String {
        let from = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count) && from[common] == to[common] { common += 1 }
        return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
    }

    /// kubectl before 1.21 (Debian 12's kubernetes-client is 1.20) has kustomize 2.0.3, which knows
    /// no Components: a test of the component cancels itself there, saying so.
    static func cancelUnlessKubectlBuildsComponents() throws {
        let version = try Shell.run(["kubectl", "version", "--client", "-o", "json"])
        let json = try? JSONSerialization.jsonObject(with: Data(version.stdout.utf8)) as? [String: Any]
        let client = json?["clientVersion"] as? [String: Any]
        let minor = Int(((client?["minor"] as? String) ?? "").filter(\.isNumber)) ?? 0
        if (client?["major"] as? String) == "1" && minor < 21 {
            try Test.cancel(
                "kubectl 1.\(minor)'s kustomize knows no Components (1.21 or later does): podmonitor/ is not rendered")
        }
    }

    /// `check` run on a rendered file.
    static func checkRendered(_ rendered: String) throws -> Shell.Result {
        #expect(FileManager.default.fileExists(atPath: pythonPackages + "/kubernetes_validate"),
                "kubernetes-validate is not in .build/python: run `make deps`")
        let result = try Shell.run(["/usr/bin/env", "PYTHONPATH=\(pythonPackages)", "/usr/bin/python3", "-c", check,
                                    rendered, root, crds], timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    /// Validates every rendered object (and that both validators reject a misspelt or mistyped
    /// field of each kind rendered: a schema that accepts anything would pass too), compares the
    /// rules and reads the selectors, ports and relabelings of the Service and monitors rendered.
    static let check = """
        import copy, sys, yaml, jsonschema, kubernetes_validate
        rendered, root, crds = sys.argv[1], sys.argv[2], sys.argv[3]
        objects = list(yaml.safe_load_all(open(rendered)))
        print("kinds", ",".join(sorted(o["kind"] for o in objects)))

        def strict(schema):
            # The API server drops fields its schema does not name (pruning); so that a misspelt field
            # fails here instead, objects with properties take no others.
            if isinstance(schema, dict):
                schema = {k: strict(v) for k, v in schema.items()}
                if "properties" in schema and "additionalProperties" not in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
                    schema["additionalProperties"] = False
                return schema
            if isinstance(schema, list):
                return [strict(v) for v in schema]
            return schema

        validators = {}
        for plural in ["servicemonitors", "podmonitors", "prometheusrules"]:
            crd = yaml.safe_load(open(crds + "/monitoring.coreos.com_" + plural + ".yaml"))
            version = crd["spec"]["versions"][0]
            kind = crd["spec"]["names"]["kind"]
            validators[(crd["spec"]["group"] + "/" + version["name"], kind)] = jsonschema.Draft4Validator(strict(version["schema"]["openAPIV3Schema"]))

        def errors(o):
            key = (o["apiVersion"], o["kind"])
            if key in validators:
                return "crd", [e.message + " at " + "/".join(map(str, e.absolute_path)) for e in validators[key].iter_errors(o)]
            try:
                kubernetes_validate.validate(o, "1.30", strict=True)
                return "kubernetes", []
            except kubernetes_validate.ValidationError as e:
                return "kubernetes", [e.message + " at " + "/".join(map(str, e.path))]
            except Exception as e:
                return "kubernetes", [repr(e)]

        for o in objects:
            by, problems = errors(o)
            print("valid" if not problems else "INVALID", by, o["kind"], o["metadata"]["name"], *problems)

        # The validators reject what they should: a misspelt field and a wrongly typed one, in each kind.
        def broken(kind, change):
            o = copy.deepcopy(next(o for o in objects if o["kind"] == kind))
            change(o)
            return len(errors(o)[1]) > 0
        present = {o["kind"] for o in objects}
        breakers = [
            ("DaemonSet", lambda o: o["spec"]["template"]["spec"].update(hostPid=True)),
            ("Service", lambda o: o["spec"]["ports"][0].update(port="metrics")),
            ("ServiceMonitor", lambda o: o["spec"]["endpoints"][0].update(relabellings=[])),
            ("PodMonitor", lambda o: o["spec"]["podMetricsEndpoints"][0].update(interval=30)),
            ("PrometheusRule", lambda o: o["spec"]["groups"][0]["rules"][0].update(exp="1")),
        ]
        print("rejects", *[kind + "=" + str(broken(kind, change)) for kind, change in breakers if kind in present])

        one = lambda kind: next((o for o in objects if o["kind"] == kind), None)
        ds, service, sm, pm, rule = one("DaemonSet"), one("Service"), one("ServiceMonitor"), one("PodMonitor"), one("PrometheusRule")
        groups = []
        for source in ["thresholds.yml", "rules.yml"]:
            groups += yaml.safe_load(open(root + "/dashboards/prometheus/" + source))["groups"]
        print("rules", rule["spec"]["groups"] == groups, ",".join(g["name"] for g in rule["spec"]["groups"]))

        namespace = ds["metadata"]["namespace"]
        pod_labels = ds["spec"]["template"]["metadata"]["labels"]
        port = ds["spec"]["template"]["spec"]["containers"][0]["ports"][0]
        subset = lambda small, big: all(big.get(k) == v for k, v in small.items())
        if service:
            print("service", service["metadata"]["namespace"] == namespace, subset(service["spec"]["selector"], pod_labels),
                  service["spec"].get("clusterIP"), [(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]])
        print("container port", port["name"], port["containerPort"])
        def relabels(endpoint):
            return [(r.get("action", "replace"), ",".join(r["sourceLabels"]), r["targetLabel"]) for r in endpoint.get("relabelings", [])]
        if sm:
            sme = sm["spec"]["endpoints"]
            print("servicemonitor", sm["spec"]["namespaceSelector"]["matchNames"] == [namespace],
                  service is not None and subset(sm["spec"]["selector"]["matchLabels"], service["metadata"]["labels"]),
                  [e["port"] for e in sme], relabels(sme[0]))
        if pm:
            pme = pm["spec"]["podMetricsEndpoints"]
            print("podmonitor", pm["spec"]["namespaceSelector"]["matchNames"] == [namespace],
                  subset(pm["spec"]["selector"]["matchLabels"], pod_labels), [e["port"] for e in pme], relabels(pme[0]))
        """

    /// What `check` prints for the base: one monitor, the ServiceMonitor, through the Service.
    static let baseChecked = """
        kinds DaemonSet,Namespace,PrometheusRule,Service,ServiceMonitor
        valid kubernetes Namespace monitoring
        valid kubernetes Service netstat-exporter
        valid kubernetes DaemonSet netstat-exporter
        valid crd PrometheusRule netstat-exporter
        valid crd ServiceMonitor netstat-exporter
        rejects DaemonSet=True Service=True ServiceMonitor=True PrometheusRule=True
        rules True netstat-thresholds,netstat-recording,netstat-alerts
        service True True None [('metrics', 10042, 'metrics')]
        container port metrics 10042
        servicemonitor True True ['metrics'] [('replace', '__meta_kubernetes_pod_node_name', 'instance')]

        """

    /// What `check` prints for the base with the component podmonitor/: one monitor, the
    /// PodMonitor; no ServiceMonitor, and no Service (only the ServiceMonitor used it).
    static let podMonitorChecked = """
        kinds DaemonSet,Namespace,PodMonitor,PrometheusRule
        valid kubernetes Namespace monitoring
        valid kubernetes DaemonSet netstat-exporter
        valid crd PodMonitor netstat-exporter
        valid crd PrometheusRule netstat-exporter
        rejects DaemonSet=True PodMonitor=True PrometheusRule=True
        rules True netstat-thresholds,netstat-recording,netstat-alerts
        container port metrics 10042
        podmonitor True True ['metrics'] [('replace', '__meta_kubernetes_pod_node_name', 'instance')]

        """

    @Test(.timeLimit(.minutes(5))) func baseRendersValidObjectsThatScrapeTheDaemonSet() throws {
        let directory = try Fixtures.temporaryDirectory("kustomize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.checkRendered(try Self.render(Self.base, into: directory))
        #expect(result.stdout == Self.baseChecked)
    }

    /// The alternative, one line in an overlay (`components: [<path>/podmonitor]`): the PodMonitor
    /// in place of the ServiceMonitor and its Service.
    @Test(.timeLimit(.minutes(5))) func podMonitorComponentReplacesTheServiceMonitor() throws {
        try Self.cancelUnlessKubectlBuildsComponents()
        let directory = try Fixtures.temporaryDirectory("kustomize-podmonitor")
        defer { try? FileManager.default.removeItem(at: directory) }
        let overlay = try Self.overlay(base: Self.base, component: Self.podMonitorComponent, in: directory)
        let result = try Self.checkRendered(try Self.render(overlay, into: directory))
        #expect(result.stdout == Self.podMonitorChecked)
    }

    /// prometheusrule.yaml is what generate-prometheusrule.py writes from the rule files today:
    /// after a change to thresholds.yml or rules.yml, run the script (this fails until then).
    @Test(.timeLimit(.minutes(5))) func prometheusRuleIsGeneratedFromTheRuleFiles() throws {
        let directory = try Fixtures.temporaryDirectory("prometheusrule")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("prometheusrule.yaml").path
        let result = try Shell.run(["/usr/bin/python3", Self.base + "/generate-prometheusrule.py", output])
        #expect(result.status == 0, "\(result.stderr)")
        let generated = try String(contentsOfFile: output, encoding: .utf8)
        let committed = try String(contentsOfFile: Self.base + "/prometheusrule.yaml", encoding: .utf8)
        #expect(generated == committed,
                "packaging/kubernetes/prometheusrule.yaml is stale: run python3 packaging/kubernetes/generate-prometheusrule.py")
    }

    /// The DaemonSet keeps its own test (PackagingTests reads daemonset.yaml); the base lists it
    /// and the other three, so `kubectl apply -k` installs them all; the component lists its
    /// PodMonitor.
    @Test func kustomizationListsEveryManifest() throws {
        for directory in [Self.base, Self.podMonitorComponent] {
            let listed = try String(contentsOfFile: directory + "/kustomization.yaml", encoding: .utf8)
                .split(separator: "\n").filter { $0.hasPrefix("  - ") && $0.hasSuffix(".yaml") }
                .map { String($0.dropFirst(4)) }
            let files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }
            #expect(listed.sorted() == files.sorted(), "\(directory)")
        }
    }
}
