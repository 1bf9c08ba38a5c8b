import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { ClusterSpec } from "../model/types";
import { allAlertRules, renderAlertRules } from "../render/alertRules";
import { renderPrometheusConfig, renderScrapeJob, scrapeJobs } from "../render/prometheusConfig";

export interface MonitoringArgs {
  /** The validated cluster spec. Uses `observability`, the host lists, `ports`, `name` and `tags`. */
  spec: ClusterSpec;
  /** The VPC the ARMS agent joins. Required with `ceresdb:monitoring arms`. */
  vpcId: pulumi.Input<string>;
  /** The vSwitch of the first zone, where the ARMS agent runs. */
  vswitchId: pulumi.Input<string>;
  /** The agent's own security group (Network.monitorSecurityGroupId); the metrics ports accept only it. */
  securityGroupId?: pulumi.Input<string>;
}

/** ARMS alert rule `duration` is in minutes (terraform-provider-alicloud website/docs/r/arms_prometheus_alert_rule.html.markdown example: duration = 1). */
function minutes(forDuration: string): string {
  const m = /^(\d+)m$/.exec(forDuration);
  if (!m) throw new Error(`alert duration ${forDuration} is not in minutes`);
  return String(Math.max(1, Number(m[1])));
}

/**
 * Metrics and alerts of the cluster (docs/monitoring.md argues the choice):
 * - `arms`: an ARMS Prometheus instance for ECS in the cluster's VPC, one custom scrape job per
 *   job of prometheusConfig.ts (targets from the host lists, so a scale change updates them in
 *   place) and one ARMS alert rule per rule of alertRules.ts, the user's included. Rules made in
 *   the ARMS console are other resources: an update never touches them.
 * - `external`: nothing in the cloud; `prometheusConfig` and `alertRules` are stack outputs for
 *   your own Prometheus.
 * - `off`: nothing.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** prometheus.yml for an external Prometheus (monitoring external), else undefined. */
  readonly prometheusConfig?: string;
  /** The rule file (every mode but off). */
  readonly alertRules?: string;
  readonly armsClusterId?: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:monitoring:Monitoring", name, {}, opts);
    const { spec } = args;
    const mode = spec.observability.monitoring;

    if (mode === "external") {
      this.prometheusConfig = renderPrometheusConfig(spec);
      this.alertRules = renderAlertRules(spec);
    }
    if (mode === "arms") {
      if (!args.securityGroupId) throw new Error("Monitoring: arms needs the agent's security group");
      const prometheus = new alicloud.arms.Prometheus(
        `${name}-arms`,
        {
          clusterType: "ecs",
          // The shared Grafana of ARMS (provider docs: set grafana_instance_id to `free`).
          grafanaInstanceId: "free",
          clusterName: spec.namePrefix,
          vpcId: args.vpcId,
          vswitchId: args.vswitchId,
          securityGroupId: args.securityGroupId,
          tags: spec.tags,
        },
        { parent: this },
      );
      const clusterId = prometheus.clusterId.apply((id) => id ?? "");
      for (const job of scrapeJobs(spec)) {
        new alicloud.arms.PrometheusMonitoring(
          `${name}-job-${job.job_name}`,
          { clusterId, type: "customJob", status: "run", configYaml: renderScrapeJob(job) },
          { parent: this },
        );
      }
      for (const rule of allAlertRules(spec)) {
        new alicloud.arms.PrometheusAlertRule(
          `${name}-alert-${rule.alert}`,
          {
            clusterId,
            prometheusAlertRuleName: `${spec.namePrefix}-${rule.alert}`,
            expression: rule.expr,
            duration: minutes(rule.for),
            message: rule.annotations.summary,
            notifyType: "ALERT_MANAGER",
            labels: Object.entries(rule.labels).map(([k, v]) => ({ name: k, value: v })),
            annotations: Object.entries(rule.annotations).map(([k, v]) => ({ name: k, value: v })),
          },
          { parent: this },
        );
      }
      this.alertRules = renderAlertRules(spec);
      this.armsClusterId = clusterId;
    }
    this.registerOutputs({ armsClusterId: this.armsClusterId });
  }
}
