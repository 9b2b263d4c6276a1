import Foundation
import Testing
import TestSupport

/// packaging/kubernetes/, the kustomize base (issue 20): rendered with `kubectl kustomize`, every
/// object valid (the built-in kinds with kubernetes-validate against Kubernetes 1.30's schemas; the
/// prometheus-operator kinds against the openAPIV3Schema of the operator's CRDs, pinned in
/// Tests/Fixtures/prometheus-operator/), the PrometheusRule holding exactly the rule groups of
/// dashboards/prometheus/thresholds.yml and rules.yml, and the Service, ServiceMonitor and
/// PodMonitor pointing at the DaemonSet's pods and port with the node's name as `instance`.
/// Needs kubectl and kubernetes-validate in .build/python (`make deps`, or any `make build`/`test`,
/// installs both). Under a second.
@Suite struct KubernetesManifestTests {
    static let root = Fixtures.repositoryRoot.path
    static let base = root + "/packaging/kubernetes"
    static let crds = Fixtures.path("prometheus-operator/v0.93.0")
    static let pythonPackages = root + "/.build/python"

    /// The base as `kubectl kustomize` renders it, in a file.
    static func render(into directory: URL) throws -> String {
        let result = try Shell.run(["kubectl", "kustomize", base], timeout: 30)
        #expect(result.status == 0, "kubectl kustomize: \(result.stderr)")
        let path = directory.appendingPathComponent("rendered.yaml").path
        try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Validates every rendered object (and that both validators reject a misspelt or mistyped
    /// field of each kind: a schema that accepts anything would pass too), compares the rules and
    /// reads the selectors, ports and relabelings.
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
        print("rejects",
              broken("DaemonSet", lambda o: o["spec"]["template"]["spec"].update(hostPid=True)),
              broken("Service", lambda o: o["spec"]["ports"][0].update(port="metrics")),
              broken("ServiceMonitor", lambda o: o["spec"]["endpoints"][0].update(relabellings=[])),
              broken("PodMonitor", lambda o: o["spec"]["podMetricsEndpoints"][0].update(interval=30)),
              broken("PrometheusRule", lambda o: o["spec"]["groups"][0]["rules"][0].update(exp="1")))

        one = lambda kind: next(o for o in objects if o["kind"] == kind)
        ds, service, sm, pm, rule = one("DaemonSet"), one("Service"), one("ServiceMonitor"), one("PodMonitor"), one("PrometheusRule")
        groups = []
        for source in ["thresholds.yml", "rules.yml"]:
            groups += yaml.safe_load(open(root + "/dashboards/prometheus/" + source))["groups"]
        print("rules", rule["spec"]["groups"] == groups, ",".join(g["name"] for g in rule["spec"]["groups"]))

        namespace = ds["metadata"]["namespace"]
        pod_labels = ds["spec"]["template"]["metadata"]["labels"]
        port = ds["spec"]["template"]["spec"]["containers"][0]["ports"][0]
        subset = lambda small, big: all(big.get(k) == v for k, v in small.items())
        print("service", service["metadata"]["namespace"] == namespace, subset(service["spec"]["selector"], pod_labels),
              service["spec"].get("clusterIP"), [(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]])
        print("container port", port["name"], port["containerPort"])
        def relabels(endpoint):
            return [(r.get("action", "replace"), ",".join(r["sourceLabels"]), r["targetLabel"]) for r in endpoint.get("relabelings", [])]
        sme = sm["spec"]["endpoints"]
        print("servicemonitor", sm["spec"]["namespaceSelector"]["matchNames"] == [namespace],
              subset(sm["spec"]["selector"]["matchLabels"], service["metadata"]["labels"]),
              [e["port"] for e in sme], relabels(sme[0]))
        pme = pm["spec"]["podMetricsEndpoints"]
        print("podmonitor", pm["spec"]["namespaceSelector"]["matchNames"] == [namespace],
              subset(pm["spec"]["selector"]["matchLabels"], pod_labels), [e["port"] for e in pme], relabels(pme[0]))
        """

    @Test(.timeLimit(.minutes(5))) func baseRendersValidObjectsThatScrapeTheDaemonSet() throws {
        #expect(FileManager.default.fileExists(atPath: Self.pythonPackages + "/kubernetes_validate"),
                "kubernetes-validate is not in .build/python: run `make deps`")
        let directory = try Fixtures.temporaryDirectory("kustomize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rendered = try Self.render(into: directory)
        let result = try Shell.run(["/usr/bin/env", "PYTHONPATH=\(Self.pythonPackages)", "/usr/bin/python3", "-c", Self.check,
                                    rendered, Self.root, Self.crds], timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
        kinds DaemonSet,Namespace,PodMonitor,PrometheusRule,Service,ServiceMonitor
        valid kubernetes Namespace monitoring
        valid kubernetes Service netstat-exporter
        valid kubernetes DaemonSet netstat-exporter
        valid crd PodMonitor netstat-exporter
        valid crd PrometheusRule netstat-exporter
        valid crd ServiceMonitor netstat-exporter
        rejects True True True True True
        rules True netstat-thresholds,netstat-recording,netstat-alerts
        service True True None [('metrics', 10042, 'metrics')]
        container port metrics 10042
        servicemonitor True True ['metrics'] [('replace', '__meta_kubernetes_pod_node_name', 'instance')]
        podmonitor True True ['metrics'] [('replace', '__meta_kubernetes_pod_node_name', 'instance')]

        """)
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
    /// and the other four, so `kubectl apply -k` installs them all.
    @Test func kustomizationListsEveryManifest() throws {
        let listed = try String(contentsOfFile: Self.base + "/kustomization.yaml", encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("  - ") }.map { String($0.dropFirst(4)) }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.base)
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }
        #expect(listed.sorted() == files.sorted())
    }
}
