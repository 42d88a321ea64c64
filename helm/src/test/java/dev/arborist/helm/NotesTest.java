package dev.arborist.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as `helm install --dry-run` prints it (`template` does not render notes). */
class NotesTest {

    @Test
    @DisplayName("the notes say how to reach serving, read the admin token, and what the agent and monitoring got")
    void defaults() {
        String notes = notes(install());
        assertThat(notes).contains("kubectl -n ml port-forward svc/demo-arborist 8000:8000")
                .contains("\"model\": \"arborist-moe-6x8\"")
                .contains("kubectl -n ml get secret demo-arborist-admin")
                .contains("(p95 TTFT 0.5 s, ITL 0.05 s, e2e 5 s; quality budget 0.1)")
                .contains("No ServiceMonitor")
                .contains("(grafana_dashboard=1)")
                .doesNotContain("<nil>", "<no value>");
    }

    @Test
    @DisplayName("without the agent and with monitoring forced on, the notes say so")
    void variants() {
        String notes = notes(install().set("agent.enabled", false).set("monitoring.enabled", true));
        assertThat(notes).contains("The agent is disabled").contains("ServiceMonitor demo-arborist and PrometheusRule demo-arborist created")
                .doesNotContain("SLO in configmap", "<nil>", "<no value>");
    }

    private static InstallCommand install() {
        FakeKubeApi.start();
        return new Helm(Chart.DIR).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE).withKubeVersion(Chart.KUBE_VERSION)
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly();
    }

    private static String notes(InstallCommand install) {
        String out = install.call().getOutput();
        assertThat(out).contains("NOTES:");
        return out.substring(out.indexOf("NOTES:"));
    }
}
