"""The rest of Spot's Azure schema: every request field the editor's rows (groups.spot.fields)
do not describe, one line each. groups.spot.fields turns each line into a row of THE field table,
so the JSON mapping, validation and the OpenAPI document read them like any other row.

Sources: spotinst/openapi at 553e5ff4d3ddb5044ce020ad1c32e86e1e8eb2e4 (the Azure v3 group's create
and update bodies, the stateful node's) for enums, limits and required keys; spotinst-sdk-go
v1.413.0's json tags and Go types (service/elastigroup/providers/azure/v3,
service/stateful/providers/azure) for spellings and types where the two disagree: Spot answers
what the Go SDK reads (scaling actions are text, a scheduled task's isEnabled a boolean).

A line: `path type flags`. Paths are dotted, "*" is each item of a list, "~" stands for
compute.launchSpecification, "~nic" for its network interfaces' items and "{a,b}" for each
word. Objects and lists are implied by the paths under them; a line for one only says it is
required. Flags: `required`
(Spot refuses the object without it), `enum=a,b` or `enum=@NAME` (ENUMS), `range=min..max`
(either bound may be left out), `maxlen=n` (characters; 87384 is Azure's 64 KiB of
user data or scripts, base64), `accepts=x` (another spelling clients send, answered as the
line's), `closed` (an object Spot's schema closes: unknown keys in it are refused).
Sections say the kinds: [both], [group] (stateless groups), [node] (stateful nodes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ENUMS = {
    "DISK": ("Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "StandardSSD_ZRS", "Premium_ZRS"),
    "NODE_DATA_DISK": (
        "Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS", "StandardSSD_ZRS",
        "Premium_ZRS", "PremiumV2_LRS",
    ),
    "UNIT": (
        "percent", "seconds", "microseconds", "milliseconds", "bytes", "kilobytes", "megabytes",
        "gigabytes", "terabytes", "bits", "kilobits", "megabits", "gigabits", "terabits", "count",
        "bytes/second", "kilobytes/second", "megabytes/second", "gigabytes/second",
        "terabytes/second", "bits/second", "kilobits/second", "megabits/second",
        "gigabits/second", "terabits/second", "count/second", "none",
    ),
    "STATISTIC": ("average", "sampleCount", "sum", "minimum", "maximum"),
    "PERIOD": ("60", "300", "900", "1800", "3600", "7200"),
    "RESERVATION": ("utilizeOverSpot", "utilizeOverOD"),
    "BALANCER": ("loadBalancer", "applicationGateway"),
    # Spot's OpenAPI lists only "scale"; Terraform's provider documents and sends all six.
    "GROUP_TASK": (
        "scale", "scaleUp", "scaleDown", "percentageScaleUp", "percentageScaleDown", "deployment",
    ),
}  # fmt: skip

SCHEMA = """
[both]
compute                                         object  required
~                                               object  required
~.bootDiagnostics.isEnabled                     boolean required
~.bootDiagnostics.type                          string  required enum=managed,unmanaged
~.extensions.*.enableAutomaticUpgrade           boolean
~.extensions.*.minorVersionAutoUpgrade          boolean required
~.extensions.*.name                             string  required
~.extensions.*.protectedSettings                object
~.extensions.*.protectedSettingsFromKeyVault.secretUrl string  required
~.extensions.*.protectedSettingsFromKeyVault.sourceVault string  required
~.extensions.*.publicSettings                   object
~.extensions.*.publisher                        string  required
~.extensions.*.type                             string  required
~.licenseType                                   string
~.loadBalancersConfig.loadBalancers.*.backendPoolNames.* string
~.network                                       object  required
~.network.networkInterfaces                     array   required
~nic.applicationSecurityGroups.*.name           string  required
~nic.applicationSecurityGroups.*.resourceGroupName string  required
~nic.isPrimary                                  boolean required
~nic.privateIpAddresses.*                       string
~nic.publicIps.*.name                           string  required
~nic.publicIps.*.resourceGroupName              string  required
~.proximityPlacementGroups.*.name               string  required
~.proximityPlacementGroups.*.resourceGroupName  string  required
~.secrets.*.sourceVault                         object  required
~.secrets.*.sourceVault.name                    string  required
~.secrets.*.sourceVault.resourceGroupName       string  required
~.secrets.*.vaultCertificates                   array   required
~.secrets.*.vaultCertificates.*.certificateStore string  required
~.secrets.*.vaultCertificates.*.certificateUrl  string  required
~.security.confidentialOsDiskEncryption         boolean
~.security.encryptionAtHost                     boolean
~.security.secureBootEnabled                    boolean
~.security.securityType                         string  enum=Standard,TrustedLaunch,ConfidentialVM
~.security.vTpmEnabled                          boolean
~.shutdownScript                                string  maxlen=87384
~.userData                                      string  maxlen=87384
compute.vmSizes                                 object  required
compute.vmSizes.excludedVmSizes.*               string
compute.vmSizes.spotSizeAttributes.maxCpu       integer
compute.vmSizes.spotSizeAttributes.maxMemory    integer
compute.vmSizes.spotSizeAttributes.maxStorage   integer accepts=MaxStorage
compute.vmSizes.spotSizeAttributes.minCpu       integer
compute.vmSizes.spotSizeAttributes.minMemory    integer
compute.vmSizes.spotSizeAttributes.minStorage   integer
health.autoHealing                              boolean
health.healthCheckTypes.*                       string  enum=vmState,applicationGateway
integrations.insights.dataCollectionRuleId      string  required
integrations.insights.isEnabled                 boolean required
scheduling.tasks.*.cronExpression               string  required
scheduling.tasks.*.isEnabled                    boolean required
strategy                                        object  required
strategy.availabilityVsCost                     integer
strategy.capacityReservation.capacityReservationGroups.*.name string  required
strategy.capacityReservation.capacityReservationGroups.*.resourceGroupName string  required
strategy.capacityReservation.capacityReservationGroups.*.shouldPrioritize boolean
strategy.capacityReservation.shouldUtilize      boolean required
strategy.capacityReservation.utilizationStrategy string required enum=@RESERVATION
strategy.optimizationWindows.*                  string
strategy.shouldUtilizeCommitments               boolean

[group]
capacity                                        object  required
~.dataDisks.*.type                              string  enum=@DISK
~.extensions.*.apiVersion                       string
~.loadBalancersConfig.loadBalancers.*.name      string
~.loadBalancersConfig.loadBalancers.*.resourceGroupName string
~.loadBalancersConfig.loadBalancers.*.type      string  enum=@BALANCER
~.managedServiceIdentities.*.name               string
~.managedServiceIdentities.*.resourceGroupName  string
~nic.additionalIpConfigurations.*.name          string
~nic.additionalIpConfigurations.*.privateIpAddressVersion string
~nic.publicIpSku                                string
~nic.securityGroup.name                         string
~nic.securityGroup.resourceGroupName            string
~.osDisk.type                                   string  enum=@DISK
health.gracePeriod                              integer
health.unhealthyDuration                        integer
integrations.azureDns.dnsZones                  array   required
integrations.azureDns.dnsZones.*.name           string  required
integrations.azureDns.dnsZones.*.recordSets     array   required
integrations.azureDns.dnsZones.*.recordSets.*.name string
integrations.azureDns.dnsZones.*.resourceGroup  string  required
integrations.azureDns.dnsZones.*.spotAccountId  string
integrations.azureDns.dnsZones.*.type           string  required enum=public
scaling.{up,down}.*.action                      object  required
scaling.{up,down}.*.action.type                 string  enum=adjustment,updateCapacity
scaling.{up,down}.*.cooldown                    integer required range=0..
scaling.{up,down}.*.dimensions.*.name           string
scaling.{up,down}.*.dimensions.*.value          string
scaling.{up,down}.*.evaluationPeriods           integer required range=1..
scaling.{up,down}.*.isEnabled                   boolean
scaling.{up,down}.*.metricName                  string  required
scaling.{up,down}.*.period                      integer required enum=@PERIOD
scaling.{up,down}.*.policyName                  string  required
scaling.{up,down}.*.source                      string  enum=azureMonitor,spotMetrics
scaling.{up,down}.*.statistic                   string  required enum=@STATISTIC
scaling.{up,down}.*.threshold                   number  required
scaling.{up,down}.*.unit                        string  enum=@UNIT
scaling.down.*.namespace                        string  required
scaling.down.*.operator                         string  enum=gt,gte,lt,lte
scaling.up.*.namespace                          string
scaling.up.*.operator                           string  required enum=gt,gte,lt,lte
scheduling.tasks.*.adjustment                   integer range=1..
scheduling.tasks.*.adjustmentPercentage         integer range=1..100
scheduling.tasks.*.batchSizePercentage          integer range=1..100
scheduling.tasks.*.gracePeriod                  integer range=1..
scheduling.tasks.*.scaleMaxCapacity             integer range=0..
scheduling.tasks.*.scaleMinCapacity             integer range=0..
scheduling.tasks.*.scaleTargetCapacity          integer range=0..
scheduling.tasks.*.type                         string  required enum=@GROUP_TASK
strategy.revertToSpot.performAt                 string  enum=timeWindow,never,always
strategy.signals.*.type                         string  enum=vmReady,vmReadyToShutdown

[node]
~.dataDisks.*.caching                           string  enum=None,ReadOnly,ReadWrite
~.dataDisks.*.type                              string  required enum=@NODE_DATA_DISK
~.extensions.*.apiVersion                       string  required
~.loadBalancersConfig.loadBalancers.*.backendPoolNames array   required
~.loadBalancersConfig.loadBalancers.*.name      string  required
~.loadBalancersConfig.loadBalancers.*.resourceGroupName string  required
~.loadBalancersConfig.loadBalancers.*.type      string  required enum=@BALANCER
~.managedServiceIdentities.*.name               string  required
~.managedServiceIdentities.*.resourceGroupName  string  required
~.managedServiceIdentities.*.subscriptionId     string
~nic.additionalIpConfigurations.*.name          string  required
~nic.additionalIpConfigurations.*.privateIpAddressVersion string  enum=IPv4,IPv6
~nic.networkSecurityGroup.name                  string  required
~nic.networkSecurityGroup.resourceGroupName     string  required
~nic.publicIpSku                                string  enum=Standard,Basic
~.osDisk.caching                                string  enum=None,ReadOnly,ReadWrite
~.osDisk.type                                   string  required enum=@DISK
~.purchasePlan                                  object  closed
~.purchasePlan.name                             string  required
~.purchasePlan.product                          string  required
~.purchasePlan.publisher                        string  required
health.gracePeriod                              integer range=0..
health.unhealthyDuration                        integer range=120..
persistence                                     object  required
persistence.dataDisksPersistenceMode            string  enum=reattach,onLaunch
persistence.osDiskPersistenceMode               string  enum=reattach,onLaunch
scheduling.tasks.*.type                         string  required enum=pause,resume,recycle
strategy.interruptionToleration.cooldown        integer range=120..10080
strategy.interruptionToleration.evaluationPeriod integer range=30..1440
strategy.interruptionToleration.isEnabled       boolean
strategy.interruptionToleration.threshold       integer range=3..
strategy.odWindows.*                            string
strategy.revertToSpot.performAt                 string  required enum=timeWindow,never,always
strategy.signals.*.type                         string  required enum=vmReady,vmReadyToShutdown
strategy.vmAdmins.*                             string
"""

ABBREVIATIONS = (
    ("~nic.", "compute.launchSpecification.network.networkInterfaces.*."),
    ("~", "compute.launchSpecification"),
)
SECTIONS = {"both": ("stateless", "stateful"), "group": ("stateless",), "node": ("stateful",)}


@dataclass(frozen=True)
class Line:
    path: str
    type: str
    kinds: tuple[str, ...]
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    accepts: tuple[str, ...] = field(default=())
    closed: bool = False


def _path(text: str) -> str:
    for short, long in ABBREVIATIONS:
        if text.startswith(short):
            return long + text[len(short) :]
    return text


def _paths(text: str) -> list[str]:
    """`a.{b,c}.d` is a.b.d and a.c.d (a group's scale-up and scale-down policies)."""
    choice = re.search(r"\{([^}]*)\}", text)
    if choice is None:
        return [_path(text)]
    return [_path(text.replace(choice.group(0), word)) for word in choice.group(1).split(",")]


def _line(path: str, text: str, kinds: tuple[str, ...]) -> Line:
    _, type_, *flags = text.split()
    values: dict[str, str] = dict(flag.partition("=")[::2] for flag in flags)
    enum = values.get("enum", "")
    low, _, high = values.get("range", "").partition("..")
    return Line(
        path=path,
        type=type_,
        kinds=kinds,
        required="required" in values,
        enum=ENUMS[enum[1:]] if enum.startswith("@") else tuple(filter(None, enum.split(","))),
        minimum=int(low) if low else None,
        maximum=int(high) if high else None,
        max_length=int(values["maxlen"]) if "maxlen" in values else None,
        accepts=tuple(filter(None, values.get("accepts", "").split(","))),
        closed="closed" in values,
    )


def lines() -> list[Line]:
    found: list[Line] = []
    kinds = SECTIONS["both"]
    for text in SCHEMA.splitlines():
        text = text.strip()
        if text.startswith("["):
            kinds = SECTIONS[text.strip("[]")]
        elif text:
            found.extend(_line(path, text, kinds) for path in _paths(text.split()[0]))
    return found
