/**
 * The provider-contract layer: for every resource type the program registers and every input it
 * sets, the rule the real provider (or the cloud API behind it) applies, and what a change of that
 * input does to the running resource.
 *
 * Mocks accept any input, so without this table a name one character too long, a 21st tag or a
 * ForceNew change of a protected host is first seen by the real `pulumi up`. Every entry was
 * written from the provider's source (cited per entry, path inside the repository named in
 * SOURCES); nothing here is copied from it.
 *
 * `change` says what the provider does when only that input changes:
 * - `replace`: ForceNew in the provider schema (or in the bridge): the resource is deleted and
 *   created again (before or after, per `deleteBeforeReplace`).
 * - `restart`: updated in place, but the provider stops the instance and starts it again (or
 *   reboots it) to apply the change.
 * - `update`: updated in place, nothing stops.
 */

export type ChangeKind = "replace" | "restart" | "update";

/** Where the rules come from. Entries cite a path inside one of these. */
export const SOURCES = {
  alicloud:
    "aliyun/terraform-provider-alicloud, read at 81c43b672 (CHANGELOG 1.290.0-unreleased, the newest stored snapshot; @pulumi/alicloud 3.108.0 wraps v1.294.x, whose tag is not stored: rules re-checked there before a provider upgrade)",
  alicloudBridge: "pulumi/pulumi-alicloud provider/resources.go (token mapping; no field overrides for the types used here)",
  alicloudApi: "Alibaba Cloud API reference (help.aliyun.com / alibabacloud.com), where the provider leaves validation to the API",
  docker: "kreuzwerker/terraform-provider-docker v4.5.x (@pulumi/docker 5.2.0)",
  command: "pulumi/pulumi-command tag v1.2.1 (@pulumi/command 1.2.1)",
  program: "this repository (dynamic providers the program defines itself)",
} as const;

/** One check on one input value. */
export type Rule =
  | { kind: "oneOf"; values: readonly (string | number | boolean)[] }
  | { kind: "length"; min: number; max: number }
  | { kind: "range"; min: number; max: number }
  | { kind: "pattern"; pattern: RegExp; allowed: string }
  /** A text rule that a regular expression cannot say clearly; returns what is wrong, or undefined. */
  | { kind: "text"; allowed: string; check: (value: string) => string | undefined }
  /** A rule over a structured value (object inputs). */
  | { kind: "value"; allowed: string; check: (value: unknown) => string | undefined }
  /** Size of the value after base64 encoding (what the API counts for user data). */
  | { kind: "base64Bytes"; max: number }
  | { kind: "tags"; limits: TagLimits };

export interface TagLimits {
  /** Tags per resource, the program's own included. */
  maxCount: number;
  keyMax: number;
  valueMax: number;
  /** Lengths count UTF-8 bytes (OSS) rather than characters (ECS, VPC, RAM). */
  bytes?: boolean;
  /** Key prefixes the API refuses (compared case-insensitively). */
  reservedKeyPrefixes: readonly string[];
  /** Value prefixes the API refuses (compared case-insensitively). */
  reservedValuePrefixes: readonly string[];
  /** Substrings refused anywhere in keys and values. */
  refusedSubstrings: readonly string[];
}

export interface PropertyContract {
  change: ChangeKind;
  rules?: readonly Rule[];
  required?: boolean;
  /** Inputs the provider refuses together with this one. */
  conflictsWith?: readonly string[];
  /** File the change kind and the rules come from (inside the SOURCES repository of the type). */
  source: string;
  /** What else a reader of a plan must know about a change (e.g. "offline resize"). */
  note?: string;
}

/** A rule over several inputs of one resource (conditional ranges, required combinations). */
export interface ResourceCheck {
  id: string;
  description: string;
  source: string;
  /** Problems with these inputs, empty when they pass. */
  check: (inputs: Record<string, unknown>) => string[];
}

export interface ResourceContract {
  /** The Terraform type behind the Pulumi token (bridged providers). */
  upstream?: string;
  provider: keyof typeof SOURCES;
  properties: Record<string, PropertyContract>;
  checks?: readonly ResourceCheck[];
}

export interface ContractProblem {
  type: string;
  property?: string;
  /** The resource check that failed (ResourceCheck.id), for checks over several inputs. */
  check?: string;
  given?: string;
  allowed: string;
  source: string;
}

// --- Shared rules ---------------------------------------------------------------------------

const ALICLOUD_TAGS = "alicloud/tags.go (tagsSchemaWithIgnore: values refused when starting with aliyun or acs:; tagIgnored: keys with those prefixes are dropped, not set)";

/** ECS, VPC, EIP, NAT, RAM tags (TagResources): 20 per resource, key and value up to 128 characters. */
export const ECS_TAG_LIMITS: TagLimits = {
  maxCount: 20,
  keyMax: 128,
  valueMax: 128,
  reservedKeyPrefixes: ["aliyun", "acs:"],
  reservedValuePrefixes: ["aliyun", "acs:"],
  refusedSubstrings: ["http://", "https://"],
};

/**
 * OSS bucket tags (PutBucketTags): the provider documents at most 10 per bucket
 * (website/docs/r/oss_bucket.html.markdown, `tags`); the OSS API reference now says 20. The
 * stricter of the two holds. Keys up to 64 bytes, values up to 128 bytes; keys may not start with
 * http://, https:// or Aliyun, nor with acs (OSS error 0010-00000002).
 */
export const OSS_TAG_LIMITS: TagLimits = {
  maxCount: 10,
  keyMax: 64,
  valueMax: 128,
  bytes: true,
  reservedKeyPrefixes: ["aliyun", "acs", "http://", "https://"],
  reservedValuePrefixes: ["aliyun", "acs:"],
  refusedSubstrings: ["http://", "https://"],
};

/**
 * The common Alibaba Cloud resource name: `min`..`max` characters, starting with a letter, not
 * with http:// or https://, made of letters, digits and `extra`.
 */
function aliyunName(min: number, max: number, extra = ":_.-"): Rule[] {
  const cls = extra.replace(/[-\\\]^]/g, (c) => `\\${c}`);
  return [
    { kind: "length", min, max },
    {
      kind: "pattern",
      pattern: new RegExp(`^[A-Za-z][A-Za-z0-9${cls}]*$`),
      allowed: `starting with a letter; letters, digits and ${extra.split("").join(" ")} only`,
    },
  ];
}

/** Linux host name (RunInstances HostName; provider docs of `host_name`). */
export const LINUX_HOSTNAME_RULES: readonly Rule[] = [
  { kind: "length", min: 2, max: 64 },
  {
    kind: "text",
    allowed: "letters, digits, . and -; not starting or ending with . or -, no two of . and - in a row, not only digits",
    check: (v) => {
      if (!/^[A-Za-z0-9.-]*$/.test(v)) return "characters other than letters, digits, . and -";
      if (/^[.-]|[.-]$/.test(v)) return "starts or ends with . or -";
      if (/[.-]{2}/.test(v)) return "two of . and - in a row";
      if (/^[0-9.]+$/.test(v)) return "only digits";
      return undefined;
    },
  },
];

const tagsProperty = (source: string, limits: TagLimits = ECS_TAG_LIMITS): PropertyContract => ({
  change: "update",
  rules: [{ kind: "tags", limits }],
  source: `${source}; ${ALICLOUD_TAGS}`,
});

// --- The table ------------------------------------------------------------------------------

const INSTANCE = "alicloud/resource_alicloud_instance.go";
const DISK = "alicloud/resource_alicloud_ecs_disk.go";
const DISK_ATTACHMENT = "alicloud/resource_alicloud_ecs_disk_attachment.go";
const KEY_PAIR = "alicloud/resource_alicloud_ecs_key_pair.go";
const VPC = "alicloud/resource_alicloud_vpc.go";
const VSWITCH = "alicloud/resource_alicloud_vswitch.go";
const SG = "alicloud/resource_alicloud_security_group.go";
const SG_RULE = "alicloud/resource_alicloud_security_group_rule.go";
const NAT = "alicloud/resource_alicloud_nat_gateway.go";
const EIP = "alicloud/resource_alicloud_eip_address.go";
const EIP_ASSOC = "alicloud/resource_alicloud_eip_association.go";
const SNAT = "alicloud/resource_alicloud_snat_entry.go";
const OSS_BUCKET = "alicloud/resource_alicloud_oss_bucket.go";
const OSS_ACL = "alicloud/resource_alicloud_oss_bucket_acl.go";
const RAM_USER = "alicloud/resource_alicloud_ram_user.go";
const RAM_POLICY = "alicloud/resource_alicloud_ram_policy.go";
const RAM_ATTACH = "alicloud/resource_alicloud_ram_user_policy_attachment.go";
const RAM_KEY = "alicloud/resource_alicloud_ram_access_key.go";
const ARMS_PROM = "alicloud/resource_alicloud_arms_prometheus.go";
const ARMS_MONITORING = "alicloud/resource_alicloud_arms_prometheus_monitoring.go";
const ARMS_ALERT = "alicloud/resource_alicloud_arms_prometheus_alert_rule.go";
const SNAPSHOT_POLICY = "alicloud/resource_alicloud_ecs_auto_snapshot_policy.go";
const SNAPSHOT_ATTACH = "alicloud/resource_alicloud_ecs_auto_snapshot_policy_attachment.go";
const SLB = "alicloud/resource_alicloud_slb_load_balancer.go";
const SLB_LISTENER = "alicloud/resource_alicloud_slb_listener.go";
const SLB_BACKENDS = "alicloud/resource_alicloud_slb_backend_server.go";
const SLB_ACL = "alicloud/resource_alicloud_slb_acl.go";
const SLB_ACL_ENTRY = "alicloud/resource_alicloud_slb_acl_entry_attachment.go";
const COMMAND = "provider/pkg/provider/remote/command.go";
const COMMAND_COMMON = "provider/pkg/provider/common/inputs.go";
const COMMAND_LOCAL_CONTROLLER = "provider/pkg/provider/local/commandController.go";
const DOCKER_PROVIDER = "internal/provider/provider.go";
/** Why a provider's configuration change replaces nothing. */
const BRIDGE_DIFF_CONFIG =
  "pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go (DiffConfig: a config change replaces the provider, and with it its resources, only for ForcesProviderReplace, which pulumi/pulumi-docker provider/resources.go does not set)";
const DOCKER_IMAGE = "internal/provider/resource_docker_image.go";
const DOCKER_CONTAINER = "internal/provider/resource_docker_container.go";
const DOCKER_CONTAINER_FUNCS = "internal/provider/resource_docker_container_funcs.go";

/** Names and descriptions that the API refuses when they start with a URL scheme. */
const NOT_URL: Rule = { kind: "pattern", pattern: /^(?!https?:\/\/)/, allowed: "not starting with http:// or https://" };

/** An image reference as Docker parses it (lowercase path components, optional tag and digest). */
const IMAGE_REF = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function portRange(v: string): string | undefined {
  const m = /^(-?\d+)\/(-?\d+)$/.exec(v);
  if (!m) return "not start/end";
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a === -1 && b === -1) return undefined;
  return a >= 1 && b <= 65535 && a <= b ? undefined : "outside 1-65535 or start > end";
}

function isJson(v: string): boolean {
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
}

/** Data disk size range in GiB by category and (ESSD) performance level: CreateDisk `Size`. */
export const DISK_SIZE_GB: Record<string, { min: number; max: number }> = {
  cloud: { min: 5, max: 2000 },
  cloud_efficiency: { min: 20, max: 32768 },
  cloud_ssd: { min: 20, max: 32768 },
  "cloud_essd:PL0": { min: 40, max: 32768 },
  "cloud_essd:PL1": { min: 20, max: 32768 },
  "cloud_essd:PL2": { min: 461, max: 32768 },
  "cloud_essd:PL3": { min: 1261, max: 32768 },
  cloud_auto: { min: 40, max: 32768 },
  cloud_essd_entry: { min: 10, max: 32768 },
};

export const CONTRACTS: Record<string, ResourceContract> = {
  "alicloud:ecs/instance:Instance": {
    upstream: "alicloud_instance",
    provider: "alicloud",
    properties: {
      availabilityZone: { change: "replace", source: `${INSTANCE} (schema: ForceNew)` },
      deletionProtection: { change: "update", source: `${INSTANCE} (modifyInstanceAttribute: ModifyInstanceAttribute, no reboot)` },
      hostName: {
        change: "restart",
        rules: LINUX_HOSTNAME_RULES,
        source: `${INSTANCE} (modifyInstanceAttribute sets reboot; website/docs/r/instance.html.markdown host_name); RunInstances HostName (Linux: 2-64)`,
      },
      imageId: {
        change: "restart",
        required: true,
        source: `${INSTANCE} (modifyInstanceImage: ReplaceSystemDisk on a stopped instance; the program ignores changes)`,
        note: "the system disk is replaced",
      },
      instanceChargeType: { change: "update", rules: [{ kind: "oneOf", values: ["PrePaid", "PostPaid"] }], source: `${INSTANCE} (schema ValidateFunc; modifyInstanceChargeType)` },
      instanceName: {
        change: "update",
        rules: aliyunName(2, 128),
        source: `${INSTANCE} (schema StringLenBetween(2, 128); ModifyInstanceAttribute); website/docs/r/instance.html.markdown instance_name`,
      },
      instanceType: {
        change: "restart",
        required: true,
        rules: [{ kind: "pattern", pattern: /^ecs\..+/, allowed: "an instance type starting with ecs." }],
        source: `${INSTANCE} (schema ValidateFunc ^ecs\\.; modifyInstanceType runs with the instance stopped)`,
      },
      internetChargeType: {
        change: "update",
        rules: [{ kind: "oneOf", values: ["PayByBandwidth", "PayByTraffic"] }],
        source: `${INSTANCE} (schema ValidateFunc; modifyInstanceNetworkSpec)`,
      },
      internetMaxBandwidthOut: {
        change: "update",
        rules: [{ kind: "range", min: 0, max: 100 }],
        source: `${INSTANCE} (modifyInstanceNetworkSpec: ModifyInstanceNetworkSpec); website/docs/r/instance.html.markdown: [0, 100]`,
      },
      keyName: {
        change: "restart",
        rules: aliyunName(2, 128, ":_-"),
        source: `${INSTANCE} (Update: DetachKeyPair/AttachKeyPair, then RebootEcsInstance)`,
      },
      privateIp: {
        change: "restart",
        source: `${INSTANCE} (modifyVpcAttribute: ModifyInstanceVpcAttribute with the instance stopped)`,
      },
      securityGroups: { change: "update", source: `${INSTANCE} (Update: JoinSecurityGroup/LeaveSecurityGroup)` },
      systemDiskCategory: {
        change: "replace",
        rules: [{ kind: "oneOf", values: ["all", "cloud", "ephemeral_ssd", "cloud_essd", "cloud_efficiency", "cloud_ssd", "local_disk", "cloud_auto", "cloud_essd_entry"] }],
        source: `${INSTANCE} (schema: ForceNew, ValidateFunc)`,
      },
      systemDiskSize: {
        change: "update",
        rules: [{ kind: "range", min: 20, max: 500 }],
        source: `${INSTANCE} (Update: ResizeDisk online while running); website/docs/r/instance.html.markdown system_disk_size [20, 500]`,
        note: "grow only; the partition and file system are grown by the OS, not the provider",
      },
      tags: tagsProperty(`${INSTANCE} (tagsSchemaWithIgnore; setTags)`),
      userData: {
        change: "restart",
        rules: [{ kind: "base64Bytes", max: 32 * 1024 }],
        source: `${INSTANCE} (modifyInstanceAttribute sets reboot: the instance is stopped and started); RunInstances UserData: at most 32 KB base64-encoded`,
        note: "cloud-init does not run the new user data on an existing instance (first boot only)",
      },
      volumeTags: tagsProperty(`${INSTANCE} (tagsSchemaComputed; setVolumeTags)`),
      vswitchId: {
        change: "restart",
        required: true,
        source: `${INSTANCE} (modifyVpcAttribute: ModifyInstanceVpcAttribute with the instance stopped)`,
      },
    },
    checks: [
      {
        id: "public-ip-charge-type",
        description: "an instance with a public IP (internetMaxBandwidthOut > 0) sets internetChargeType explicitly",
        source: `${INSTANCE} (internet_charge_type: Optional, Computed, no Default); website/docs/r/instance.html.markdown: from 1.243.0 the default PayByTraffic is removed`,
        check: (i) => (Number(i.internetMaxBandwidthOut ?? 0) > 0 && i.internetChargeType === undefined ? [`internetMaxBandwidthOut ${String(i.internetMaxBandwidthOut)} without internetChargeType`] : []),
      },
      {
        id: "private-ip-needs-vswitch",
        description: "privateIp is valid only with vswitchId",
        source: "website/docs/r/instance.html.markdown private_ip",
        check: (i) => (i.privateIp !== undefined && i.vswitchId === undefined ? ["privateIp without vswitchId"] : []),
      },
    ],
  },

  "alicloud:ecs/ecsDisk:EcsDisk": {
    upstream: "alicloud_ecs_disk",
    provider: "alicloud",
    properties: {
      category: {
        change: "update",
        rules: [{ kind: "oneOf", values: ["cloud", "cloud_efficiency", "cloud_essd", "cloud_ssd", "cloud_auto", "cloud_essd_entry", "elastic_ephemeral_disk_standard", "elastic_ephemeral_disk_premium"] }],
        source: `${DISK} (schema ValidateFunc; Update: ModifyDiskSpec)`,
      },
      deleteWithInstance: { change: "update", source: `${DISK} (Update: ModifyDiskAttribute DeleteWithInstance)` },
      diskName: {
        change: "update",
        rules: aliyunName(2, 128),
        conflictsWith: ["name"],
        source: `${DISK} (schema ConflictsWith name; Update: ModifyDiskAttribute); CreateDisk DiskName: 2-128, starts with a letter, not http(s)://, letters digits : _ . -`,
      },
      encrypted: { change: "replace", source: `${DISK} (schema: ForceNew)` },
      performanceLevel: {
        change: "update",
        rules: [{ kind: "oneOf", values: ["PL0", "PL1", "PL2", "PL3"] }],
        source: `${DISK} (schema ValidateFunc, diff suppressed unless cloud_essd; Update: ModifyDiskSpec)`,
      },
      size: {
        change: "update",
        source: `${DISK} (Update: ResizeDisk; Type only when set, so the API default offline applies)`,
        note: "offline unless type is online (the program sets it): an offline resize takes effect after the instance restarts; the file system is grown by the host's setup command either way",
      },
      tags: tagsProperty(`${DISK} (tagsSchema; Update: TagResources)`),
      type: {
        change: "update",
        rules: [{ kind: "oneOf", values: ["offline", "online"] }],
        source: `${DISK} (type: Optional, StringInSlice offline/online; read only by Update's ResizeDisk as its Type)`,
      },
      zoneId: { change: "replace", conflictsWith: ["availabilityZone"], source: `${DISK} (schema: ForceNew, ConflictsWith availability_zone)` },
    },
    checks: [
      {
        id: "disk-size-by-category",
        description: "the size is within the range of the category (and ESSD performance level)",
        source: `${DISK} (size has no ValidateFunc: the API decides); CreateDisk Size ranges`,
        check: (inputs) => {
          const category = typeof inputs.category === "string" ? inputs.category : "cloud_efficiency";
          const level = typeof inputs.performanceLevel === "string" ? inputs.performanceLevel : "PL1";
          const key = category === "cloud_essd" ? `cloud_essd:${level}` : category;
          const range = DISK_SIZE_GB[key];
          const size = inputs.size;
          if (!range || typeof size !== "number") return [];
          return size < range.min || size > range.max ? [`size ${size} GiB outside ${range.min}-${range.max} GiB for ${key}`] : [];
        },
      },
      {
        id: "disk-zone-required",
        description: "a pay-as-you-go disk not created on an instance needs zoneId",
        source: `${DISK} (Create: ZoneId or InstanceId); CreateDisk ZoneId`,
        check: (inputs) => (inputs.zoneId === undefined && inputs.instanceId === undefined ? ["zoneId (or instanceId) is required"] : []),
      },
    ],
  },

  "alicloud:ecs/ecsDiskAttachment:EcsDiskAttachment": {
    upstream: "alicloud_ecs_disk_attachment",
    provider: "alicloud",
    properties: {
      deleteWithInstance: { change: "update", source: `${DISK_ATTACHMENT} (Update does nothing but read: state only; DetachDisk sends it on delete)` },
      diskId: { change: "replace", required: true, source: `${DISK_ATTACHMENT} (schema: Required, ForceNew)` },
      instanceId: { change: "replace", required: true, source: `${DISK_ATTACHMENT} (schema: Required, ForceNew)` },
    },
  },

  "alicloud:ecs/ecsKeyPair:EcsKeyPair": {
    upstream: "alicloud_ecs_key_pair",
    provider: "alicloud",
    properties: {
      keyPairName: {
        change: "replace",
        rules: aliyunName(2, 128, ":_-"),
        conflictsWith: ["keyName"],
        source: `${KEY_PAIR} (schema: ForceNew, StringLenBetween(2, 128), ConflictsWith key_name); website/docs/r/ecs_key_pair.html.markdown key_pair_name`,
      },
      publicKey: {
        change: "update",
        rules: [{ kind: "pattern", pattern: /^(ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( .*)?$/, allowed: "an OpenSSH public key line" }],
        source: `${KEY_PAIR} (schema: not ForceNew; Update handles only resource_group_id and tags)`,
        note: "state only: the key pair in the cloud keeps the old key unless the program replaces it",
      },
      tags: tagsProperty(`${KEY_PAIR} (tagsSchema; Update: TagResources)`),
    },
  },

  "alicloud:vpc/network:Network": {
    upstream: "alicloud_vpc",
    provider: "alicloud",
    properties: {
      cidrBlock: { change: "update", source: `${VPC} (schema: not ForceNew; Update: ModifyVpcAttribute CidrBlock)`, note: "the VPC CIDR can only be changed where no vSwitch leaves it" },
      tags: tagsProperty(`${VPC} (tagsSchema; Update: TagResources)`),
      vpcName: {
        change: "update",
        rules: [{ kind: "length", min: 1, max: 128 }, NOT_URL],
        conflictsWith: ["name"],
        source: `${VPC} (schema ConflictsWith name; Update: ModifyVpcAttribute); CreateVpc VpcName: 1-128, not http(s)://`,
      },
    },
  },

  "alicloud:vpc/switch:Switch": {
    upstream: "alicloud_vswitch",
    provider: "alicloud",
    properties: {
      cidrBlock: { change: "replace", required: true, source: `${VSWITCH} (schema: ForceNew)` },
      tags: tagsProperty(`${VSWITCH} (tagsSchema; Update: TagResources)`),
      vpcId: { change: "replace", required: true, source: `${VSWITCH} (schema: ForceNew)` },
      vswitchName: {
        change: "update",
        rules: [{ kind: "length", min: 1, max: 128 }, NOT_URL],
        conflictsWith: ["name"],
        source: `${VSWITCH} (schema ConflictsWith name); website/docs/r/vswitch.html.markdown vswitch_name: 1-128, not http(s)://`,
      },
      zoneId: { change: "replace", required: true, source: `${VSWITCH} (schema: ForceNew)` },
    },
  },

  "alicloud:ecs/securityGroup:SecurityGroup": {
    upstream: "alicloud_security_group",
    provider: "alicloud",
    properties: {
      description: { change: "update", rules: [{ kind: "length", min: 2, max: 256 }, NOT_URL], source: `${SG} (Update: ModifySecurityGroupAttribute); website/docs/r/security_group.html.markdown description` },
      innerAccessPolicy: { change: "update", rules: [{ kind: "oneOf", values: ["Accept", "Drop"] }], conflictsWith: ["innerAccess"], source: `${SG} (schema ValidateFunc, ConflictsWith inner_access; Update: ModifySecurityGroupPolicy)` },
      securityGroupName: {
        change: "update",
        rules: [...aliyunName(2, 128), NOT_URL],
        conflictsWith: ["name"],
        source: `${SG} (Update: ModifySecurityGroupAttribute); website/docs/r/security_group.html.markdown security_group_name: 2-128, starts with a letter, letters digits : _ . -`,
      },
      tags: tagsProperty(`${SG} (tagsSchema; Update: TagResources)`),
      vpcId: { change: "replace", source: `${SG} (schema: ForceNew)` },
    },
  },

  "alicloud:ecs/securityGroupRule:SecurityGroupRule": {
    upstream: "alicloud_security_group_rule",
    provider: "alicloud",
    properties: {
      cidrIp: { change: "replace", conflictsWith: ["sourceSecurityGroupId"], source: `${SG_RULE} (schema: ForceNew)` },
      description: { change: "update", rules: [{ kind: "length", min: 1, max: 512 }, NOT_URL], source: `${SG_RULE} (Update: ModifySecurityGroupRule Description); AuthorizeSecurityGroup Description: 1-512, not http(s)://` },
      ipProtocol: { change: "replace", required: true, rules: [{ kind: "oneOf", values: ["tcp", "udp", "icmp", "icmpv6", "gre", "all"] }], source: `${SG_RULE} (schema: Required, ForceNew, ValidateFunc)` },
      nicType: { change: "replace", rules: [{ kind: "oneOf", values: ["internet", "intranet"] }], source: `${SG_RULE} (schema: ForceNew, ValidateFunc)` },
      policy: { change: "replace", rules: [{ kind: "oneOf", values: ["accept", "drop"] }], source: `${SG_RULE} (schema: ForceNew, ValidateFunc)` },
      portRange: {
        change: "replace",
        rules: [{ kind: "text", allowed: "start/end, 1 to 65535, start <= end (tcp and udp)", check: portRange }],
        source: `${SG_RULE} (schema: ForceNew; Create: AuthorizeSecurityGroup PortRange)`,
      },
      priority: { change: "replace", rules: [{ kind: "range", min: 1, max: 100 }], source: `${SG_RULE} (schema: ForceNew, IntBetween(1, 100))` },
      securityGroupId: { change: "replace", required: true, source: `${SG_RULE} (schema: Required, ForceNew)` },
      sourceSecurityGroupId: { change: "replace", conflictsWith: ["cidrIp"], source: `${SG_RULE} (schema: ForceNew, ConflictsWith cidr_ip)` },
      type: { change: "replace", required: true, rules: [{ kind: "oneOf", values: ["ingress", "egress"] }], source: `${SG_RULE} (schema: Required, ForceNew, ValidateFunc)` },
    },
    checks: [
      {
        id: "rule-source",
        description: "an ingress rule names a source: cidrIp or sourceSecurityGroupId",
        source: `${SG_RULE} (Create: AuthorizeSecurityGroup needs SourceCidrIp or SourceGroupId)`,
        check: (i) => (i.type === "ingress" && i.cidrIp === undefined && i.sourceSecurityGroupId === undefined && i.ipv6CidrIp === undefined && i.prefixListId === undefined ? ["no source"] : []),
      },
    ],
  },

  "alicloud:vpc/natGateway:NatGateway": {
    upstream: "alicloud_nat_gateway",
    provider: "alicloud",
    properties: {
      internetChargeType: { change: "replace", rules: [{ kind: "oneOf", values: ["PayByLcu", "PayBySpec"] }], source: `${NAT} (schema: ForceNew, ValidateFunc)` },
      natGatewayName: {
        change: "update",
        rules: [{ kind: "length", min: 2, max: 128 }, { kind: "pattern", pattern: /^[A-Za-z0-9._-]*$/, allowed: "letters, digits, . _ -" }, { kind: "pattern", pattern: /^[^-].*[^-]$/, allowed: "not beginning or ending with -" }, NOT_URL],
        conflictsWith: ["name"],
        source: `${NAT} (Update: ModifyNatGatewayAttribute); website/docs/r/nat_gateway.html.markdown nat_gateway_name`,
      },
      natType: { change: "update", rules: [{ kind: "oneOf", values: ["Enhanced", "Normal"] }], source: `${NAT} (schema ValidateFunc; Update: UpdateNatGatewayNatType)` },
      paymentType: { change: "replace", rules: [{ kind: "oneOf", values: ["PayAsYouGo", "Subscription"] }], conflictsWith: ["instanceChargeType"], source: `${NAT} (schema: ForceNew, ValidateFunc, ConflictsWith instance_charge_type)` },
      tags: tagsProperty(`${NAT} (tagsSchema; Update: TagResources)`),
      vpcId: { change: "replace", required: true, source: `${NAT} (schema: Required, ForceNew)` },
      vswitchId: { change: "update", source: `${NAT} (Update: vswitch_id via UpdateNatGatewayNatType)` },
    },
    checks: [
      {
        id: "enhanced-nat-vswitch",
        description: "an Enhanced NAT gateway needs a vswitchId",
        source: `${NAT} (Create: VSwitchId with NatType Enhanced)`,
        check: (i) => (i.natType === "Enhanced" && i.vswitchId === undefined ? ["vswitchId missing"] : []),
      },
    ],
  },

  "alicloud:ecs/eipAddress:EipAddress": {
    upstream: "alicloud_eip_address",
    provider: "alicloud",
    properties: {
      addressName: {
        change: "update",
        rules: [{ kind: "length", min: 1, max: 128 }, { kind: "pattern", pattern: /^[A-Za-z][A-Za-z0-9._-]*$/, allowed: "starting with a letter; letters, digits, . _ - only" }],
        conflictsWith: ["name"],
        source: `${EIP} (schema ConflictsWith name; Update: ModifyEipAddressAttribute); AllocateEipAddress Name: 1-128, starts with a letter, letters digits . _ -`,
      },
      bandwidth: {
        change: "update",
        rules: [{ kind: "range", min: 1, max: 500 }],
        source: `${EIP} (schema: string, not ForceNew; Update: ModifyEipAddressAttribute Bandwidth); AllocateEipAddress Bandwidth: 1-500 Mbit/s (PayByTraffic: up to 200)`,
      },
      internetChargeType: { change: "replace", rules: [{ kind: "oneOf", values: ["PayByBandwidth", "PayByTraffic"] }], source: `${EIP} (schema: ForceNew, ValidateFunc)` },
      paymentType: { change: "replace", rules: [{ kind: "oneOf", values: ["Subscription", "PayAsYouGo", "PrePaid", "PostPaid"] }], conflictsWith: ["instanceChargeType"], source: `${EIP} (schema: ForceNew, ValidateFunc)` },
      tags: tagsProperty(`${EIP} (tagsSchema; Update: TagResources)`),
    },
    checks: [
      {
        id: "eip-traffic-bandwidth",
        description: "a PayByTraffic EIP takes at most 200 Mbit/s",
        source: "AllocateEipAddress Bandwidth (PayByTraffic: 1-200)",
        check: (i) => (i.internetChargeType === "PayByTraffic" && Number(i.bandwidth) > 200 ? [`bandwidth ${String(i.bandwidth)}`] : []),
      },
    ],
  },

  "alicloud:ecs/eipAssociation:EipAssociation": {
    upstream: "alicloud_eip_association",
    provider: "alicloud",
    properties: {
      allocationId: { change: "replace", required: true, source: `${EIP_ASSOC} (schema: Required, ForceNew)` },
      instanceId: { change: "replace", required: true, source: `${EIP_ASSOC} (schema: Required, ForceNew)` },
      instanceType: {
        change: "replace",
        rules: [{ kind: "oneOf", values: ["EcsInstance", "SlbInstance", "Nat", "HaVip", "NetworkInterface", "IpAddress"] }],
        source: `${EIP_ASSOC} (schema: ForceNew); AssociateEipAddress InstanceType`,
      },
    },
  },

  "alicloud:vpc/snatEntry:SnatEntry": {
    upstream: "alicloud_snat_entry",
    provider: "alicloud",
    properties: {
      snatEntryName: {
        change: "update",
        rules: [...aliyunName(2, 128, "_.-"), NOT_URL],
        source: `${SNAT} (Update: ModifySnatEntry); website/docs/r/snat.html.markdown snat_entry_name: 2-128, starts with a letter, not http(s)://`,
      },
      snatIp: { change: "update", required: true, source: `${SNAT} (schema: Required; Update: ModifySnatEntry SnatIp)` },
      snatTableId: { change: "replace", required: true, source: `${SNAT} (schema: Required, ForceNew)` },
      sourceVswitchId: { change: "replace", conflictsWith: ["sourceCidr"], source: `${SNAT} (schema: ForceNew, ConflictsWith source_cidr)` },
    },
  },

  "alicloud:oss/bucket:Bucket": {
    upstream: "alicloud_oss_bucket",
    provider: "alicloud",
    properties: {
      bucket: {
        change: "replace",
        rules: [{ kind: "length", min: 3, max: 63 }, { kind: "pattern", pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, allowed: "lowercase letters, digits and -, starting and ending with a letter or digit" }],
        source: `${OSS_BUCKET} (schema: ForceNew, StringLenBetween(3, 63)); PutBucket bucket naming`,
      },
      forceDestroy: { change: "update", source: `${OSS_BUCKET} (schema Default false; read only on delete: state only)` },
      serverSideEncryptionRule: {
        change: "update",
        rules: [{ kind: "value", allowed: "sseAlgorithm AES256, KMS or SM4", check: (v) => (/^(AES256|KMS|SM4)$/.test(String((v as { sseAlgorithm?: unknown })?.sseAlgorithm)) ? undefined : "other algorithm") }],
        source: `${OSS_BUCKET} (schema ValidateFunc; Update: PutBucketEncryption)`,
      },
      tags: tagsProperty(`${OSS_BUCKET} (tagsSchema; Update: PutBucketTags); website/docs/r/oss_bucket.html.markdown tags: no more than 10`, OSS_TAG_LIMITS),
      lifecycleRules: {
        change: "update",
        rules: [
          {
            kind: "value",
            allowed: "rules with enabled set, an id of at most 255 characters and positive day counts",
            check: (v) => {
              if (!Array.isArray(v)) return "not a list";
              for (const r of v as Record<string, unknown>[]) {
                if (typeof r.enabled !== "boolean") return "enabled is required";
                if (typeof r.id === "string" && r.id.length > 255) return `id ${r.id} longer than 255`;
                for (const k of ["expirations", "abortMultipartUploads", "noncurrentVersionExpirations"]) {
                  for (const d of (r[k] as { days?: unknown }[] | undefined) ?? []) if (!(typeof d.days === "number" && Number.isInteger(d.days) && d.days > 0)) return `${k} days ${String(d.days)}`;
                }
              }
              return undefined;
            },
          },
        ],
        source: `${OSS_BUCKET} (schema lifecycle_rule: enabled Required, id StringLenBetween(0, 255), expiration/abort_multipart_upload/noncurrent_version_expiration days; Update: PutBucketLifecycle)`,
      },
      versioning: { change: "update", source: `${OSS_BUCKET} (schema ValidateFunc Enabled/Suspended; Update: PutBucketVersioning)`, note: "once enabled, versioning can only be suspended" },
    },
  },

  "alicloud:arms/prometheus:Prometheus": {
    upstream: "alicloud_arms_prometheus",
    provider: "alicloud",
    properties: {
      clusterType: { change: "replace", required: true, rules: [{ kind: "oneOf", values: ["remote-write", "ecs", "global-view", "aliyun-cs"] }], source: `${ARMS_PROM} (schema: Required, ForceNew, StringInSlice)` },
      grafanaInstanceId: { change: "update", required: true, source: `${ARMS_PROM} (schema: Required; Update: handled when it changes on an existing instance); website/docs/r/arms_prometheus.html.markdown: \`free\` for the shared Grafana` },
      clusterName: { change: "replace", source: `${ARMS_PROM} (schema: Optional, ForceNew)` },
      vpcId: { change: "replace", source: `${ARMS_PROM} (schema: ForceNew)` },
      vswitchId: { change: "replace", required: true, source: `${ARMS_PROM} (schema: ForceNew); docs: required for cluster_type ecs` },
      securityGroupId: { change: "replace", required: true, source: `${ARMS_PROM} (schema: ForceNew); docs: required for cluster_type ecs` },
      tags: tagsProperty(`${ARMS_PROM} (tagsSchema; Update: TagResources)`),
    },
  },

  "alicloud:arms/prometheusMonitoring:PrometheusMonitoring": {
    upstream: "alicloud_arms_prometheus_monitoring",
    provider: "alicloud",
    properties: {
      clusterId: { change: "replace", required: true, source: `${ARMS_MONITORING} (schema: Required, ForceNew)` },
      configYaml: { change: "update", required: true, rules: [{ kind: "text", allowed: "YAML", check: (v) => (v.trim() === "" ? "empty" : undefined) }], source: `${ARMS_MONITORING} (schema: Required, validateYamlString; Update: UpdatePrometheusMonitoring)` },
      status: { change: "update", rules: [{ kind: "oneOf", values: ["stop", "run"] }], source: `${ARMS_MONITORING} (schema StringInSlice; Update: UpdatePrometheusMonitoringStatus)` },
      type: { change: "replace", required: true, rules: [{ kind: "oneOf", values: ["serviceMonitor", "podMonitor", "customJob", "probe"] }], source: `${ARMS_MONITORING} (schema: Required, ForceNew, StringInSlice)` },
    },
  },

  "alicloud:arms/prometheusAlertRule:PrometheusAlertRule": {
    upstream: "alicloud_arms_prometheus_alert_rule",
    provider: "alicloud",
    properties: {
      clusterId: { change: "replace", required: true, source: `${ARMS_ALERT} (schema: Required, ForceNew)` },
      prometheusAlertRuleName: { change: "replace", required: true, source: `${ARMS_ALERT} (schema: Required, ForceNew)` },
      expression: { change: "replace", required: true, source: `${ARMS_ALERT} (schema: Required, ForceNew)` },
      duration: { change: "replace", required: true, rules: [{ kind: "pattern", pattern: /^[1-9]\d*$/, allowed: "whole minutes" }], source: `${ARMS_ALERT} (schema: Required, ForceNew); website/docs/r/arms_prometheus_alert_rule.html.markdown example duration = 1 (minutes)` },
      message: { change: "replace", required: true, source: `${ARMS_ALERT} (schema: Required, ForceNew)` },
      notifyType: { change: "update", rules: [{ kind: "oneOf", values: ["ALERT_MANAGER", "DISPATCH_RULE"] }], source: `${ARMS_ALERT} (schema StringInSlice; Update: UpdatePrometheusAlertRule)` },
      labels: { change: "update", source: `${ARMS_ALERT} (schema TypeSet name/value; Update: UpdatePrometheusAlertRule)` },
      annotations: { change: "update", source: `${ARMS_ALERT} (schema TypeSet name/value; Update: UpdatePrometheusAlertRule)` },
    },
  },

  "alicloud:ecs/autoSnapshotPolicy:AutoSnapshotPolicy": {
    upstream: "alicloud_ecs_auto_snapshot_policy",
    provider: "alicloud",
    properties: {
      autoSnapshotPolicyName: { change: "update", conflictsWith: ["name"], source: `${SNAPSHOT_POLICY} (schema ConflictsWith name; Update: ModifyAutoSnapshotPolicyEx autoSnapshotPolicyName)` },
      repeatWeekdays: { change: "update", required: true, rules: [{ kind: "value", allowed: "weekdays 1..7", check: (v) => (Array.isArray(v) && v.length > 0 && v.every((d) => /^[1-7]$/.test(String(d))) ? undefined : "not 1..7") }], source: `${SNAPSHOT_POLICY} (schema Required; Update: ModifyAutoSnapshotPolicyEx); CreateAutoSnapshotPolicy repeatWeekdays 1-7` },
      timePoints: { change: "update", required: true, rules: [{ kind: "value", allowed: "hours 0..23", check: (v) => (Array.isArray(v) && v.length > 0 && v.every((h) => /^(\d|1\d|2[0-3])$/.test(String(h))) ? undefined : "not 0..23") }], source: `${SNAPSHOT_POLICY} (schema Required; Update: ModifyAutoSnapshotPolicyEx); CreateAutoSnapshotPolicy timePoints 0-23` },
      retentionDays: { change: "update", required: true, rules: [{ kind: "value", allowed: "-1 or 1..65536", check: (v) => (v === -1 || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65536) ? undefined : "out of range") }], source: `${SNAPSHOT_POLICY} (schema Required; Update: ModifyAutoSnapshotPolicyEx); CreateAutoSnapshotPolicy retentionDays -1 or 1-65536` },
      tags: tagsProperty(`${SNAPSHOT_POLICY} (tagsSchema; Update: TagResources)`),
    },
  },

  "alicloud:ecs/ecsAutoSnapshotPolicyAttachment:EcsAutoSnapshotPolicyAttachment": {
    upstream: "alicloud_ecs_auto_snapshot_policy_attachment",
    provider: "alicloud",
    properties: {
      autoSnapshotPolicyId: { change: "replace", required: true, source: `${SNAPSHOT_ATTACH} (schema: Required, ForceNew; Create: ApplyAutoSnapshotPolicy)` },
      diskId: { change: "replace", required: true, source: `${SNAPSHOT_ATTACH} (schema: Required, ForceNew)` },
    },
  },

  "alicloud:oss/bucketAcl:BucketAcl": {
    upstream: "alicloud_oss_bucket_acl",
    provider: "alicloud",
    properties: {
      acl: { change: "update", required: true, rules: [{ kind: "oneOf", values: ["private", "public-read", "public-read-write"] }], source: `${OSS_ACL} (schema: Required; Update: PutBucketAcl)` },
      bucket: { change: "replace", required: true, source: `${OSS_ACL} (schema: Required, ForceNew)` },
    },
  },

  "alicloud:ram/user:User": {
    upstream: "alicloud_ram_user",
    provider: "alicloud",
    properties: {
      comments: { change: "update", rules: [{ kind: "length", min: 0, max: 128 }], source: `${RAM_USER} (schema StringLenBetween(0, 128); Update: UpdateUser)` },
      name: {
        change: "update",
        required: true,
        rules: [{ kind: "length", min: 1, max: 64 }, { kind: "pattern", pattern: /^[A-Za-z0-9._][A-Za-z0-9._-]*$/, allowed: "letters, digits, . _ -, not beginning with -" }],
        source: `${RAM_USER} (schema Required; Update: UpdateUser NewUserName); website/docs/r/ram_user.html.markdown name: 1-64`,
      },
      tags: tagsProperty("@pulumi/alicloud 3.108.0 ram/user.d.ts (tags are newer than the stored provider snapshot; TagResources limits)"),
    },
  },

  "alicloud:ram/policy:Policy": {
    upstream: "alicloud_ram_policy",
    provider: "alicloud",
    properties: {
      description: { change: "update", rules: [{ kind: "length", min: 1, max: 1024 }], source: `${RAM_POLICY} (Update: UpdatePolicyDescription); website/docs/r/ram_policy.html.markdown description: 1-1024` },
      policyDocument: {
        change: "update",
        rules: [{ kind: "text", allowed: "a JSON policy document of at most 6144 characters", check: (v) => (v.length > 6144 ? `${v.length} characters` : isJson(v) ? undefined : "not JSON") }],
        conflictsWith: ["document", "version", "statement"],
        source: `${RAM_POLICY} (schema StringIsJSON, ConflictsWith document/version/statement; Update: CreatePolicyVersion, set as default); CreatePolicy PolicyDocument: at most 6144 characters`,
        note: "each change adds a policy version; RAM keeps at most 5",
      },
      policyName: {
        change: "replace",
        rules: [{ kind: "length", min: 1, max: 128 }, { kind: "pattern", pattern: /^[A-Za-z0-9-]+$/, allowed: "letters, digits and -" }],
        conflictsWith: ["name"],
        source: `${RAM_POLICY} (schema: ForceNew, ConflictsWith name); website/docs/r/ram_policy.html.markdown policy_name`,
      },
      rotateStrategy: {
        change: "update",
        rules: [{ kind: "oneOf", values: ["None", "DeleteOldestNonDefaultVersionWhenLimitExceeded"] }],
        source: `${RAM_POLICY} (schema ValidateFunc; read on the next version)`,
      },
      tags: tagsProperty(`${RAM_POLICY} (tagsSchema; Update: TagResources)`),
    },
    checks: [
      {
        id: "policy-rotation",
        description: "a policy whose document the program changes rotates its versions (rotateStrategy DeleteOldestNonDefaultVersionWhenLimitExceeded), or its 6th change fails",
        source: `${RAM_POLICY} (Update: CreatePolicyVersion with RotateStrategy); website/docs/r/ram_policy.html.markdown rotate_strategy (default None)`,
        check: (i) => (i.policyDocument !== undefined && i.rotateStrategy !== "DeleteOldestNonDefaultVersionWhenLimitExceeded" ? [`rotateStrategy is ${i.rotateStrategy === undefined ? "unset (None)" : String(i.rotateStrategy)}`] : []),
      },
    ],
  },

  "alicloud:ram/userPolicyAttachment:UserPolicyAttachment": {
    upstream: "alicloud_ram_user_policy_attachment",
    provider: "alicloud",
    properties: {
      policyName: { change: "replace", required: true, source: `${RAM_ATTACH} (schema: Required, ForceNew)` },
      policyType: { change: "replace", required: true, rules: [{ kind: "oneOf", values: ["System", "Custom"] }], source: `${RAM_ATTACH} (schema: Required, ForceNew, ValidateFunc)` },
      userName: { change: "replace", required: true, source: `${RAM_ATTACH} (schema: Required, ForceNew)` },
    },
  },

  "alicloud:ram/accessKey:AccessKey": {
    upstream: "alicloud_ram_access_key",
    provider: "alicloud",
    properties: {
      userName: { change: "replace", source: `${RAM_KEY} (schema: ForceNew)` },
    },
  },

  "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer": {
    upstream: "alicloud_slb_load_balancer",
    provider: "alicloud",
    properties: {
      address: { change: "replace", source: `${SLB} (schema: ForceNew, suppressed for address_type internet); website/docs/r/slb_load_balancer.html.markdown address: inside the vSwitch's CIDR` },
      addressType: { change: "replace", rules: [{ kind: "oneOf", values: ["internet", "intranet"] }], source: `${SLB} (schema: ForceNew, StringInSlice)` },
      deleteProtection: { change: "update", rules: [{ kind: "oneOf", values: ["on", "off"] }], source: `${SLB} (schema StringInSlice; Update: SetLoadBalancerDeleteProtection)` },
      instanceChargeType: { change: "update", rules: [{ kind: "oneOf", values: ["PayBySpec", "PayByCLCU"] }], source: `${SLB} (schema StringInSlice; Update: ModifyLoadBalancerInstanceChargeType)` },
      internetChargeType: { change: "update", rules: [{ kind: "oneOf", values: ["PayByBandwidth", "PayByTraffic"] }], source: `${SLB} (schema StringInSlice, suppressed for intranet; Update: ModifyLoadBalancerInternetSpec)` },
      loadBalancerName: {
        change: "update",
        rules: [{ kind: "length", min: 1, max: 80 }, NOT_URL],
        conflictsWith: ["name"],
        source: `${SLB} (schema ConflictsWith name; Update: SetLoadBalancerName); website/docs/r/slb_load_balancer.html.markdown load_balancer_name: at most 80 characters`,
      },
      paymentType: { change: "update", rules: [{ kind: "oneOf", values: ["PayAsYouGo", "Subscription"] }], source: `${SLB} (schema StringInSlice; Update: ModifyLoadBalancerPayType)` },
      tags: tagsProperty(`${SLB} (tagsSchemaComputed; Update: TagResources)`),
      vswitchId: { change: "replace", source: `${SLB} (schema: ForceNew, suppressed for address_type internet)` },
    },
    checks: [
      {
        id: "intranet-address",
        description: "an intranet balancer in a VPC names its vSwitch (and the fixed address, when given, needs it)",
        source: `${SLB}; website/docs/r/slb_load_balancer.html.markdown vswitch_id: required for a VPC SLB`,
        check: (i) => (i.addressType === "intranet" && i.vswitchId === undefined ? ["intranet without vswitchId"] : []),
      },
    ],
  },

  "alicloud:slb/listener:Listener": {
    upstream: "alicloud_slb_listener",
    provider: "alicloud",
    properties: {
      aclIds: { change: "update", source: `${SLB_LISTENER} (schema TypeSet; Update: acl_ids)` },
      aclStatus: { change: "update", rules: [{ kind: "oneOf", values: ["on", "off"] }], source: `${SLB_LISTENER} (schema StringInSlice, Default off; Update)` },
      aclType: { change: "update", rules: [{ kind: "oneOf", values: ["black", "white"] }], source: `${SLB_LISTENER} (schema StringInSlice; Update)` },
      backendPort: { change: "replace", rules: [{ kind: "range", min: 1, max: 65535 }], source: `${SLB_LISTENER} (schema: ForceNew, IntBetween(1, 65535))` },
      bandwidth: {
        change: "update",
        rules: [{ kind: "value", allowed: "1 to 1000, or -1 (no limit)", check: (v) => (v === -1 || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 1000) ? undefined : "out of range") }],
        source: `${SLB_LISTENER} (schema Any(IntBetween(1, 1000), IntInSlice(-1)); Update)`,
      },
      description: {
        change: "update",
        rules: [{ kind: "length", min: 1, max: 256 }, { kind: "pattern", pattern: /^[A-Za-z0-9/._-]*$/, allowed: "letters, digits, - / . _" }],
        source: `${SLB_LISTENER} (Update: description); website/docs/r/slb_listener.html.markdown description: 1-256, letters digits - / . _`,
      },
      frontendPort: { change: "replace", required: true, rules: [{ kind: "range", min: 1, max: 65535 }], source: `${SLB_LISTENER} (schema: Required, ForceNew, IntBetween(1, 65535))` },
      healthCheckInterval: { change: "update", rules: [{ kind: "range", min: 1, max: 50 }], source: `${SLB_LISTENER} (schema IntBetween(1, 50), Default 2; Update)` },
      healthCheckTimeout: { change: "update", rules: [{ kind: "range", min: 1, max: 300 }], source: `${SLB_LISTENER} (schema IntBetween(1, 300), Default 5; Update)` },
      healthCheckType: { change: "update", rules: [{ kind: "oneOf", values: ["tcp", "http"] }], source: `${SLB_LISTENER} (schema StringInSlice TCP/HTTP health check type, Default tcp; Update)` },
      healthyThreshold: { change: "update", rules: [{ kind: "range", min: 1, max: 10 }], source: `${SLB_LISTENER} (schema IntBetween(1, 10), Default 3; Update)` },
      loadBalancerId: { change: "replace", required: true, source: `${SLB_LISTENER} (schema: Required, ForceNew)` },
      protocol: { change: "replace", required: true, rules: [{ kind: "oneOf", values: ["http", "https", "tcp", "udp"] }], source: `${SLB_LISTENER} (schema: Required, ForceNew, StringInSlice)` },
      scheduler: { change: "update", rules: [{ kind: "oneOf", values: ["wrr", "wlc", "rr", "sch", "tch", "qch"] }], source: `${SLB_LISTENER} (schema StringInSlice, Default wrr; Update)` },
      unhealthyThreshold: { change: "update", rules: [{ kind: "range", min: 1, max: 10 }], source: `${SLB_LISTENER} (schema IntBetween(1, 10), Default 3; Update)` },
    },
  },

  "alicloud:slb/backendServer:BackendServer": {
    upstream: "alicloud_slb_backend_server",
    provider: "alicloud",
    properties: {
      backendServers: {
        change: "update",
        rules: [
          {
            kind: "value",
            allowed: "a list of { serverId, weight 0-100, type ecs|eni|eci }",
            check: (v) => {
              if (!Array.isArray(v)) return "not a list";
              for (const b of v as Record<string, unknown>[]) {
                if (b.serverId === undefined) return "a backend without serverId";
                if (typeof b.weight !== "number" || b.weight < 0 || b.weight > 100) return `weight ${String(b.weight)}`;
                if (b.type !== undefined && !["ecs", "eni", "eci"].includes(String(b.type))) return `type ${String(b.type)}`;
              }
              return undefined;
            },
          },
        ],
        source: `${SLB_BACKENDS} (schema: server_id Required, weight Required IntBetween(0, 100), type StringInSlice eni/ecs/eci Default ecs; Update: Add/RemoveBackendServers)`,
      },
      loadBalancerId: { change: "replace", required: true, source: `${SLB_BACKENDS} (schema: Required, ForceNew)` },
    },
  },

  "alicloud:slb/acl:Acl": {
    upstream: "alicloud_slb_acl",
    provider: "alicloud",
    properties: {
      ipVersion: { change: "replace", rules: [{ kind: "oneOf", values: ["ipv4", "ipv6"] }], source: `${SLB_ACL} (schema: ForceNew, StringInSlice, Default ipv4)` },
      name: {
        change: "update",
        required: true,
        rules: [{ kind: "length", min: 1, max: 80 }, { kind: "pattern", pattern: /^[A-Za-z0-9/._-]*$/, allowed: "letters, digits, - / . _" }],
        source: `${SLB_ACL} (schema: Required; Update: SetAccessControlListAttribute); CreateAccessControlList AclName: 1-80, letters digits - / . _`,
      },
      tags: tagsProperty(`${SLB_ACL} (tagsSchema; Update: TagResources)`),
    },
  },

  "alicloud:slb/aclEntryAttachment:AclEntryAttachment": {
    upstream: "alicloud_slb_acl_entry_attachment",
    provider: "alicloud",
    properties: {
      aclId: { change: "replace", required: true, source: `${SLB_ACL_ENTRY} (schema: Required, ForceNew)` },
      entry: { change: "replace", required: true, source: `${SLB_ACL_ENTRY} (schema: Required, ForceNew); website/docs/r/slb_acl_entry_attachment.html.markdown entry: a CIDR block` },
    },
  },

  "command:remote:Command": {
    provider: "command",
    properties: {
      connection: { change: "update", required: true, source: `${COMMAND} (CommandInputs: connection, secret; no replaceOnChanges)` },
      create: { change: "update", source: `${COMMAND_COMMON} (ResourceInputs.Create: run again on any input change when update is unset)` },
      delete: { change: "update", source: `${COMMAND_COMMON} (ResourceInputs.Delete)` },
      environment: {
        change: "update",
        source: `${COMMAND} (CommandInputs.Environment); provider/pkg/provider/remote/commandOutputs.go: each variable is an SSH env request, refused unless the server's AcceptEnv lists it`,
        note: "the server must accept each variable (stock sshd: LANG LC_* only)",
      },
      addPreviousOutputInEnv: {
        change: "update",
        source: `${COMMAND} (CommandInputs.AddPreviousOutputInEnv, optional, default true: sends PULUMI_COMMAND_STDOUT/STDERR as SSH env requests, which a stock sshd refuses)`,
      },
      stdin: { change: "update", source: `${COMMAND} (CommandInputs.Stdin)` },
      triggers: { change: "replace", source: `${COMMAND_COMMON} (ResourceInputs.Triggers: provider:"replaceOnChanges")` },
      update: { change: "update", source: `${COMMAND_COMMON} (ResourceInputs.Update: run instead of create on changes)` },
    },
  },

  "command:local:Command": {
    provider: "command",
    properties: {
      create: { change: "update", source: `${COMMAND_COMMON} (ResourceInputs.Create); ${COMMAND_LOCAL_CONTROLLER} (no Diff of its own: the default diff replaces only for triggers)` },
      update: { change: "update", source: `${COMMAND_COMMON} (ResourceInputs.Update: run instead of create on changes)` },
    },
  },

  "pulumi:providers:docker": {
    provider: "docker",
    properties: {
      host: { change: "update", source: `${DOCKER_PROVIDER} (host: Required, DOCKER_HOST default); ${BRIDGE_DIFF_CONFIG}` },
      registryAuth: { change: "update", source: `${DOCKER_PROVIDER} (registry_auth: address Required, StringIsNotEmpty); ${BRIDGE_DIFF_CONFIG}` },
      sshOpts: { change: "update", source: `${DOCKER_PROVIDER} (ssh_opts: list of extra ssh options, DOCKER_SSH_OPTS default); ${BRIDGE_DIFF_CONFIG}` },
    },
  },

  "docker:index/remoteImage:RemoteImage": {
    upstream: "docker_image",
    provider: "docker",
    properties: {
      keepLocally: { change: "update", source: `${DOCKER_IMAGE} (keep_locally: not ForceNew, read on delete: state only)` },
      pullTriggers: { change: "replace", source: `${DOCKER_IMAGE} (pull_triggers: TypeSet, ForceNew: a change pulls the image again)` },
      name: { change: "replace", required: true, rules: [{ kind: "pattern", pattern: IMAGE_REF, allowed: "an image reference [registry/]name[:tag][@digest]" }], source: `${DOCKER_IMAGE} (name: Required, ForceNew)` },
    },
  },

  "pulumi-nodejs:dynamic/ceresdb:HostLock": {
    provider: "program",
    properties: Object.fromEntries(
      ["__provider", "environment", "host", "protected", "replacing", "settings"].map((k) => [
        k,
        {
          change: "update",
          source: "components/hosts/hostLock.ts (check refuses a replacing change of a protected host; otherwise the default diff updates in place)",
        } satisfies PropertyContract,
      ]),
    ),
  },

  "pulumi-nodejs:dynamic/ceresdb:HostKey": {
    provider: "program",
    properties: Object.fromEntries(
      ["__provider", "slot", "publicKey", "privateKey"].map((k) => [
        k,
        { change: "update", source: "components/hosts/hostKey.ts (diff reports no change: the key stays as generated for the slot's life)" } satisfies PropertyContract,
      ]),
    ),
  },

  "pulumi-nodejs:dynamic/ceresdb:BootstrapLock": {
    provider: "program",
    properties: Object.fromEntries(
      ["__provider", "clusterName", "initialClusterToken", "nodeCount", "shardTotal", "storageRootPath", "topology"].map((k) => [
        k,
        {
          change: "update",
          source: "components/cluster/bootstrapLock.ts (no diff: the dynamic provider's default diff updates in place; check refuses changes CeresMeta would ignore)",
        } satisfies PropertyContract,
      ]),
    ),
  },

  "docker:index/container:Container": {
    upstream: "docker_container",
    provider: "docker",
    properties: {
      destroyGraceSeconds: { change: "update", source: `${DOCKER_CONTAINER} (destroy_grace_seconds: not ForceNew, not in Update: state only, used on delete)` },
      healthcheck: {
        change: "update",
        source: `${DOCKER_CONTAINER} (healthcheck: not ForceNew); ${DOCKER_CONTAINER_FUNCS} (resourceDockerContainerUpdate does not apply it)`,
        note: "state only: the running container keeps its old health check",
      },
      image: { change: "replace", required: true, source: `${DOCKER_CONTAINER} (image: Required, ForceNew)` },
      labels: { change: "replace", source: `${DOCKER_CONTAINER} (labels: ForceNew)` },
      logDriver: { change: "replace", source: `${DOCKER_CONTAINER} (log_driver: ForceNew)` },
      logOpts: { change: "replace", source: `${DOCKER_CONTAINER} (log_opts: ForceNew)` },
      mustRun: { change: "update", source: `${DOCKER_CONTAINER_FUNCS} (resourceDockerContainerUpdate: must_run false -> true starts the container)` },
      name: {
        change: "replace",
        required: true,
        rules: [{ kind: "pattern", pattern: /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, allowed: "a Docker container name: [a-zA-Z0-9][a-zA-Z0-9_.-]+" }],
        source: `${DOCKER_CONTAINER} (name: Required, ForceNew); the Docker daemon's container name pattern`,
      },
      networkMode: { change: "replace", source: `${DOCKER_CONTAINER} (network_mode: ForceNew, default bridge)` },
      restart: {
        change: "update",
        rules: [{ kind: "oneOf", values: ["no", "on-failure", "always", "unless-stopped"] }],
        source: `${DOCKER_CONTAINER} (restart: ValidateDiagFunc); ${DOCKER_CONTAINER_FUNCS} (resourceDockerContainerUpdate: ContainerUpdate with the restart policy)`,
      },
      uploads: { change: "replace", source: `${DOCKER_CONTAINER} (upload: ForceNew)` },
      volumes: { change: "replace", source: `${DOCKER_CONTAINER} (volumes: ForceNew)` },
    },
  },
};

// --- Queries --------------------------------------------------------------------------------

/**
 * What a change of `property` alone does to a resource of `typeToken`, from the table; undefined
 * when the table has no entry (the contract test keeps every input the program sets covered).
 * `property` may be a path (`healthcheck.tests`): the top-level input decides.
 */
export function changeKind(typeToken: string, property: string): ChangeKind | undefined {
  const top = property.split(/[.[]/)[0];
  return CONTRACTS[typeToken]?.properties[top]?.change;
}

/** The contract entry of one input, when there is one. */
export function propertyContract(typeToken: string, property: string): PropertyContract | undefined {
  return CONTRACTS[typeToken]?.properties[property.split(/[.[]/)[0]];
}

/** The most disruptive of several change kinds (replace > restart > update). */
export function worstChange(kinds: Iterable<ChangeKind | undefined>): ChangeKind | undefined {
  const order: ChangeKind[] = ["update", "restart", "replace"];
  let worst: ChangeKind | undefined;
  for (const k of kinds) if (k && (!worst || order.indexOf(k) > order.indexOf(worst))) worst = k;
  return worst;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Inputs as mocks record them wrap secrets; rules apply to the value inside. */
function plain(v: unknown): unknown {
  if (v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] !== undefined && "value" in (v as object)) {
    return plain((v as { value: unknown }).value);
  }
  return v;
}

function describe(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function len(s: string, bytes?: boolean): number {
  return bytes ? Buffer.byteLength(s, "utf8") : [...s].length;
}

/** Problems with one tag map against `limits`, each naming the tag. */
export function checkTags(tags: Record<string, unknown>, limits: TagLimits): string[] {
  const out: string[] = [];
  const entries = Object.entries(tags);
  if (entries.length > limits.maxCount) out.push(`${entries.length} tags, at most ${limits.maxCount}`);
  const unit = limits.bytes ? "bytes" : "characters";
  for (const [k, raw] of entries) {
    const v = String(plain(raw) ?? "");
    const lk = k.toLowerCase();
    const lv = v.toLowerCase();
    if (len(k) === 0 || len(k, limits.bytes) > limits.keyMax) out.push(`tag key ${JSON.stringify(k)}: 1 to ${limits.keyMax} ${unit}`);
    if (len(v, limits.bytes) > limits.valueMax) out.push(`tag ${JSON.stringify(k)}: value longer than ${limits.valueMax} ${unit}`);
    const kp = limits.reservedKeyPrefixes.find((p) => lk.startsWith(p));
    if (kp) out.push(`tag key ${JSON.stringify(k)}: may not start with ${kp}`);
    const vp = limits.reservedValuePrefixes.find((p) => lv.startsWith(p));
    if (vp) out.push(`tag ${JSON.stringify(k)}: value may not start with ${vp}`);
    for (const s of limits.refusedSubstrings) {
      if (lk.includes(s)) out.push(`tag key ${JSON.stringify(k)}: may not contain ${s}`);
      if (lv.includes(s)) out.push(`tag ${JSON.stringify(k)}: value may not contain ${s}`);
    }
  }
  return out;
}

/** What is wrong with `value` under `rule`, or undefined. */
export function checkRule(rule: Rule, value: unknown): string | undefined {
  const v = plain(value);
  switch (rule.kind) {
    case "oneOf":
      return rule.values.includes(v as string) ? undefined : `one of ${rule.values.join(", ")}`;
    case "length": {
      const n = typeof v === "string" ? [...v].length : -1;
      return n >= rule.min && n <= rule.max ? undefined : `${rule.min} to ${rule.max} characters (has ${n < 0 ? "no text" : n})`;
    }
    case "range": {
      const n = typeof v === "number" ? v : Number(v);
      return Number.isFinite(n) && n >= rule.min && n <= rule.max ? undefined : `a number from ${rule.min} to ${rule.max}`;
    }
    case "pattern":
      return typeof v === "string" && rule.pattern.test(v) ? undefined : rule.allowed;
    case "text": {
      if (typeof v !== "string") return rule.allowed;
      const bad = rule.check(v);
      return bad === undefined ? undefined : `${rule.allowed} (${bad})`;
    }
    case "value": {
      const bad = rule.check(v);
      return bad === undefined ? undefined : `${rule.allowed} (${bad})`;
    }
    case "base64Bytes": {
      const n = typeof v === "string" ? Buffer.from(v, "utf8").toString("base64").length : 0;
      return n <= rule.max ? undefined : `at most ${rule.max} bytes base64-encoded (has ${n})`;
    }
    case "tags": {
      if (v === undefined || v === null) return undefined;
      if (typeof v !== "object") return "a map of tags";
      const problems = checkTags(v as Record<string, unknown>, rule.limits);
      return problems.length > 0 ? problems.join("; ") : undefined;
    }
  }
}

/**
 * Every problem the provider or the API would raise for these inputs of `typeToken`: rules per
 * input, required and conflicting inputs, the type's own checks, and inputs the table does not
 * know (the program set something nobody checked). Unresolved values (undefined) are skipped.
 */
export function checkInputs(typeToken: string, inputs: Record<string, unknown>): ContractProblem[] {
  const contract = CONTRACTS[typeToken];
  if (!contract) return [{ type: typeToken, allowed: "a resource type with a provider contract (components/contracts/providers.ts)", source: "-" }];
  const out: ContractProblem[] = [];
  const values = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, plain(v)]));
  for (const [prop, value] of Object.entries(values)) {
    const pc = contract.properties[prop];
    if (!pc) {
      out.push({ type: typeToken, property: prop, given: describe(value), allowed: "an input with a provider contract (components/contracts/providers.ts)", source: "-" });
      continue;
    }
    if (value === undefined) continue;
    for (const rule of pc.rules ?? []) {
      const bad = checkRule(rule, value);
      if (bad !== undefined) out.push({ type: typeToken, property: prop, given: describe(value), allowed: bad, source: pc.source });
    }
    for (const other of pc.conflictsWith ?? []) {
      if (values[other] !== undefined) out.push({ type: typeToken, property: prop, allowed: `not together with ${other}`, source: pc.source });
    }
  }
  for (const [prop, pc] of Object.entries(contract.properties)) {
    if (pc.required && values[prop] === undefined && !(prop in inputs)) out.push({ type: typeToken, property: prop, allowed: "required", source: pc.source });
  }
  for (const c of contract.checks ?? []) {
    for (const msg of c.check(values)) out.push({ type: typeToken, check: c.id, allowed: `${c.description}: ${msg}`, source: c.source });
  }
  return out;
}
