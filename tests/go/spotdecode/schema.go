// Code generated from the schema inventory (/work/helpers/spot-schema/inventory.json):
// the Go types and json tags spotinst-sdk-go v1.413.0 decodes Spot's Azure v3 group and
// Azure stateful node answers into. Regenerate rather than edit by hand.

package main

import "time"

type Group struct {
	Capacity          *GroupCapacity   `json:"capacity,omitempty"`
	Compute           *GroupCompute    `json:"compute,omitempty"`
	CreatedAt         *time.Time       `json:"createdAt,omitempty"`
	Description       *string          `json:"description,omitempty"`
	Health            *GroupHealth     `json:"health,omitempty"`
	ID                *string          `json:"id,omitempty"`
	Name              *string          `json:"name,omitempty"`
	Region            *string          `json:"region,omitempty"`
	ResourceGroupName *string          `json:"resourceGroupName,omitempty"`
	Scaling           *GroupScaling    `json:"scaling,omitempty"`
	Scheduling        *GroupScheduling `json:"scheduling,omitempty"`
	Strategy          *GroupStrategy   `json:"strategy,omitempty"`
	UpdatedAt         *time.Time       `json:"updatedAt,omitempty"`
}

type GroupCapacity struct {
	Maximum *int `json:"maximum,omitempty"`
	Minimum *int `json:"minimum,omitempty"`
	Target  *int `json:"target,omitempty"`
}

type GroupCompute struct {
	LaunchSpecification *GroupLaunchSpecification `json:"launchSpecification,omitempty"`
	OS                  *string                   `json:"os,omitempty"`
	PreferredZones      []string                  `json:"preferredZones,omitempty"`
	VMSizes             *GroupVmSizes             `json:"vmSizes,omitempty"`
	Zones               []string                  `json:"zones,omitempty"`
}

type GroupLaunchSpecification struct {
	BootDiagnostics          *GroupBootDiagnostics           `json:"bootDiagnostics,omitempty"`
	CustomData               *string                         `json:"customData,omitempty"`
	DataDisks                []*GroupDataDisk                `json:"dataDisks,omitempty"`
	Extensions               []*GroupExtension               `json:"extensions,omitempty"`
	Image                    *GroupImage                     `json:"image,omitempty"`
	LoadBalancersConfig      *GroupLoadBalancersConfig       `json:"loadBalancersConfig,omitempty"`
	Login                    *GroupLogin                     `json:"login,omitempty"`
	ManagedServiceIdentities []*GroupManagedServiceIdentity  `json:"managedServiceIdentities,omitempty"`
	Network                  *GroupNetwork                   `json:"network,omitempty"`
	OsDisk                   *GroupOsDisk                    `json:"osDisk,omitempty"`
	ProximityPlacementGroups []*GroupProximityPlacementGroup `json:"proximityPlacementGroups,omitempty"`
	Secrets                  []*GroupSecret                  `json:"secrets,omitempty"`
	Security                 *GroupSecurity                  `json:"security,omitempty"`
	ShutdownScript           *string                         `json:"shutdownScript,omitempty"`
	Tags                     []*GroupTag                     `json:"tags,omitempty"`
	UserData                 *string                         `json:"userData,omitempty"`
	VmNamePrefix             *string                         `json:"vmNamePrefix,omitempty"`
}

type GroupBootDiagnostics struct {
	IsEnabled  *bool   `json:"isEnabled,omitempty"`
	StorageUri *string `json:"storageUri,omitempty"`
	Type       *string `json:"type,omitempty"`
}

type GroupDataDisk struct {
	Lun    *int    `json:"lun,omitempty"`
	SizeGB *int    `json:"sizeGB,omitempty"`
	Type   *string `json:"type,omitempty"`
}

type GroupExtension struct {
	APIVersion                    *string                             `json:"apiVersion,omitempty"`
	EnableAutomaticUpgrade        *bool                               `json:"enableAutomaticUpgrade,omitempty"`
	MinorVersionAutoUpgrade       *bool                               `json:"minorVersionAutoUpgrade,omitempty"`
	Name                          *string                             `json:"name,omitempty"`
	ProtectedSettings             map[string]interface{}              `json:"protectedSettings,omitempty"`
	ProtectedSettingsFromKeyVault *GroupProtectedSettingsFromKeyVault `json:"protectedSettingsFromKeyVault,omitempty"`
	PublicSettings                map[string]interface{}              `json:"publicSettings,omitempty"`
	Publisher                     *string                             `json:"publisher,omitempty"`
	Type                          *string                             `json:"type,omitempty"`
}

type GroupProtectedSettingsFromKeyVault struct {
	SecretUrl   *string `json:"secretUrl,omitempty"`
	SourceVault *string `json:"sourceVault,omitempty"`
}

type GroupImage struct {
	Custom       *GroupCustom      `json:"custom,omitempty"`
	GalleryImage *GroupGallery     `json:"gallery,omitempty"`
	MarketPlace  *GroupMarketplace `json:"marketplace,omitempty"`
}

type GroupCustom struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupGallery struct {
	GalleryName       *string `json:"galleryName,omitempty"`
	ImageName         *string `json:"imageName,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
	SpotAccountId     *string `json:"spotAccountId,omitempty"`
	Version           *string `json:"version,omitempty"`
}

type GroupMarketplace struct {
	Offer     *string `json:"offer,omitempty"`
	Publisher *string `json:"publisher,omitempty"`
	SKU       *string `json:"sku,omitempty"`
	Version   *string `json:"version,omitempty"`
}

type GroupLoadBalancersConfig struct {
	LoadBalancers []*GroupLoadBalancer `json:"loadBalancers,omitempty"`
}

type GroupLoadBalancer struct {
	BackendPoolNames  []string `json:"backendPoolNames,omitempty"`
	Name              *string  `json:"name,omitempty"`
	ResourceGroupName *string  `json:"resourceGroupName,omitempty"`
	SKU               *string  `json:"sku,omitempty"`
	Type              *string  `json:"type,omitempty"`
}

type GroupLogin struct {
	Password     *string `json:"password,omitempty"`
	SSHPublicKey *string `json:"sshPublicKey,omitempty"`
	UserName     *string `json:"userName,omitempty"`
}

type GroupManagedServiceIdentity struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupNetwork struct {
	NetworkInterfaces  []*GroupNetworkInterface `json:"networkInterfaces,omitempty"`
	ResourceGroupName  *string                  `json:"resourceGroupName,omitempty"`
	VirtualNetworkName *string                  `json:"virtualNetworkName,omitempty"`
}

type GroupNetworkInterface struct {
	AdditionalIPConfigs       []*GroupAdditionalIpConfiguration `json:"additionalIpConfigurations,omitempty"`
	ApplicationSecurityGroups []*GroupApplicationSecurityGroup  `json:"applicationSecurityGroups,omitempty"`
	AssignPublicIP            *bool                             `json:"assignPublicIp,omitempty"`
	EnableIPForwarding        *bool                             `json:"enableIPForwarding,omitempty"`
	IsPrimary                 *bool                             `json:"isPrimary,omitempty"`
	PrivateIpAddresses        []string                          `json:"privateIpAddresses,omitempty"`
	PublicIpSku               *string                           `json:"publicIpSku,omitempty"`
	PublicIps                 []*GroupPublicIp                  `json:"publicIps,omitempty"`
	SecurityGroup             *GroupSecurityGroup               `json:"securityGroup,omitempty"`
	SubnetName                *string                           `json:"subnetName,omitempty"`
}

type GroupAdditionalIpConfiguration struct {
	Name                    *string `json:"name,omitempty"`
	PrivateIPAddressVersion *string `json:"privateIpAddressVersion,omitempty"`
}

type GroupApplicationSecurityGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupPublicIp struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupSecurityGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupOsDisk struct {
	SizeGB *int    `json:"sizeGB,omitempty"`
	Type   *string `json:"type,omitempty"`
}

type GroupProximityPlacementGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupSecret struct {
	SourceVault       *GroupSourceVault        `json:"sourceVault,omitempty"`
	VaultCertificates []*GroupVaultCertificate `json:"vaultCertificates,omitempty"`
}

type GroupSourceVault struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type GroupVaultCertificate struct {
	CertificateStore *string `json:"certificateStore,omitempty"`
	CertificateUrl   *string `json:"certificateUrl,omitempty"`
}

type GroupSecurity struct {
	ConfidentialOsDiskEncryption *bool   `json:"confidentialOsDiskEncryption,omitempty"`
	EncryptionAtHost             *bool   `json:"encryptionAtHost,omitempty"`
	SecureBootEnabled            *bool   `json:"secureBootEnabled,omitempty"`
	SecurityType                 *string `json:"securityType,omitempty"`
	VTpmEnabled                  *bool   `json:"vTpmEnabled,omitempty"`
}

type GroupTag struct {
	TagKey   *string `json:"tagKey,omitempty"`
	TagValue *string `json:"tagValue,omitempty"`
}

type GroupVmSizes struct {
	ExcludedVmSizes    []string                 `json:"excludedVmSizes,omitempty"`
	OnDemandSizes      []string                 `json:"odSizes,omitempty"`
	PreferredSpotSizes []string                 `json:"preferredSpotSizes,omitempty"`
	SpotSizeAttributes *GroupSpotSizeAttributes `json:"spotSizeAttributes,omitempty"`
	SpotSizes          []string                 `json:"spotSizes,omitempty"`
}

type GroupSpotSizeAttributes struct {
	MaxCpu     *int `json:"maxCpu,omitempty"`
	MaxMemory  *int `json:"maxMemory,omitempty"`
	MaxStorage *int `json:"maxStorage,omitempty"`
	MinCpu     *int `json:"minCpu,omitempty"`
	MinMemory  *int `json:"minMemory,omitempty"`
	MinStorage *int `json:"minStorage,omitempty"`
}

type GroupHealth struct {
	AutoHealing       *bool    `json:"autoHealing,omitempty"`
	GracePeriod       *int     `json:"gracePeriod,omitempty"`
	HealthCheckTypes  []string `json:"healthCheckTypes,omitempty"`
	UnhealthyDuration *int     `json:"unhealthyDuration,omitempty"`
}

type GroupScaling struct {
	Down []*GroupScalingPolicy `json:"down,omitempty"`
	Up   []*GroupScalingPolicy `json:"up,omitempty"`
}

type GroupScalingPolicy struct {
	Action            *GroupAction      `json:"action,omitempty"`
	Cooldown          *int              `json:"cooldown,omitempty"`
	Dimensions        []*GroupDimension `json:"dimensions,omitempty"`
	EvaluationPeriods *int              `json:"evaluationPeriods,omitempty"`
	IsEnabled         *bool             `json:"isEnabled,omitempty"`
	MetricName        *string           `json:"metricName,omitempty"`
	Namespace         *string           `json:"namespace,omitempty"`
	Operator          *string           `json:"operator,omitempty"`
	Period            *int              `json:"period,omitempty"`
	PolicyName        *string           `json:"policyName,omitempty"`
	Source            *string           `json:"source,omitempty"`
	Statistic         *string           `json:"statistic,omitempty"`
	Threshold         *float64          `json:"threshold,omitempty"`
	Unit              *string           `json:"unit,omitempty"`
}

type GroupAction struct {
	Adjustment *string `json:"adjustment,omitempty"`
	Maximum    *string `json:"maximum,omitempty"`
	Minimum    *string `json:"minimum,omitempty"`
	Target     *string `json:"target,omitempty"`
	Type       *string `json:"type,omitempty"`
}

type GroupDimension struct {
	Name  *string `json:"name,omitempty"`
	Value *string `json:"value,omitempty"`
}

type GroupScheduling struct {
	Tasks []*GroupTask `json:"tasks,omitempty"`
}

type GroupTask struct {
	Adjustment           *int    `json:"adjustment,omitempty"`
	AdjustmentPercentage *int    `json:"adjustmentPercentage,omitempty"`
	BatchSizePercentage  *int    `json:"batchSizePercentage,omitempty"`
	CronExpression       *string `json:"cronExpression,omitempty"`
	GracePeriod          *int    `json:"gracePeriod,omitempty"`
	IsEnabled            *bool   `json:"isEnabled,omitempty"`
	ScaleMaxCapacity     *int    `json:"scaleMaxCapacity,omitempty"`
	ScaleMinCapacity     *int    `json:"scaleMinCapacity,omitempty"`
	ScaleTargetCapacity  *int    `json:"scaleTargetCapacity,omitempty"`
	Type                 *string `json:"type,omitempty"`
}

type GroupStrategy struct {
	AvailabilityVsCost  *int                      `json:"availabilityVsCost,omitempty"`
	CapacityReservation *GroupCapacityReservation `json:"capacityReservation,omitempty"`
	DrainingTimeout     *int                      `json:"drainingTimeout,omitempty"`
	FallbackToOnDemand  *bool                     `json:"fallbackToOd,omitempty"`
	OnDemandCount       *int                      `json:"onDemandCount,omitempty"`
	OptimizationWindows []string                  `json:"optimizationWindows,omitempty"`
	RevertToSpot        *GroupRevertToSpot        `json:"revertToSpot,omitempty"`
	Signals             []*GroupSignal            `json:"signals,omitempty"`
	SpotPercentage      *int                      `json:"spotPercentage,omitempty"`
}

type GroupCapacityReservation struct {
	CapacityReservationGroups []*GroupCapacityReservationGroup `json:"capacityReservationGroups,omitempty"`
	ShouldUtilize             *bool                            `json:"shouldUtilize,omitempty"`
	UtilizationStrategy       *string                          `json:"utilizationStrategy,omitempty"`
}

type GroupCapacityReservationGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
	ShouldPrioritize  *bool   `json:"shouldPrioritize,omitempty"`
}

type GroupRevertToSpot struct {
	PerformAt *string `json:"performAt,omitempty"`
}

type GroupSignal struct {
	Timeout *int    `json:"timeout,omitempty"`
	Type    *string `json:"type,omitempty"`
}

type StatefulNode struct {
	Compute           *NodeCompute     `json:"compute,omitempty"`
	CreatedAt         *time.Time       `json:"createdAt,omitempty"`
	Description       *string          `json:"description,omitempty"`
	Health            *NodeHealth      `json:"health,omitempty"`
	ID                *string          `json:"id,omitempty"`
	Name              *string          `json:"name,omitempty"`
	Persistence       *NodePersistence `json:"persistence,omitempty"`
	Region            *string          `json:"region,omitempty"`
	ResourceGroupName *string          `json:"resourceGroupName,omitempty"`
	Scheduling        *NodeScheduling  `json:"scheduling,omitempty"`
	Strategy          *NodeStrategy    `json:"strategy,omitempty"`
	UpdatedAt         *time.Time       `json:"updatedAt,omitempty"`
}

type NodeCompute struct {
	LaunchSpecification *NodeLaunchSpecification `json:"launchSpecification,omitempty"`
	OS                  *string                  `json:"os,omitempty"`
	PreferredZone       *string                  `json:"preferredZone,omitempty"`
	VMSizes             *NodeVmSizes             `json:"vmSizes,omitempty"`
	Zones               []string                 `json:"zones,omitempty"`
}

type NodeLaunchSpecification struct {
	BootDiagnostics          *NodeBootDiagnostics           `json:"bootDiagnostics,omitempty"`
	CustomData               *string                        `json:"customData,omitempty"`
	DataDisks                []*NodeDataDisk                `json:"dataDisks,omitempty"`
	Extensions               []*NodeExtension               `json:"extensions,omitempty"`
	Image                    *NodeImage                     `json:"image,omitempty"`
	LicenseType              *string                        `json:"licenseType,omitempty"`
	LoadBalancersConfig      *NodeLoadBalancersConfig       `json:"loadBalancersConfig,omitempty"`
	Login                    *NodeLogin                     `json:"login,omitempty"`
	ManagedServiceIdentities []*NodeManagedServiceIdentity  `json:"managedServiceIdentities,omitempty"`
	Network                  *NodeNetwork                   `json:"network,omitempty"`
	OSDisk                   *NodeOsDisk                    `json:"osDisk,omitempty"`
	ProximityPlacementGroups []*NodeProximityPlacementGroup `json:"proximityPlacementGroups,omitempty"`
	Secrets                  []*NodeSecret                  `json:"secrets,omitempty"`
	Security                 *NodeSecurity                  `json:"security,omitempty"`
	ShutdownScript           *string                        `json:"shutdownScript,omitempty"`
	Tags                     []*NodeTag                     `json:"tags,omitempty"`
	UserData                 *string                        `json:"userData,omitempty"`
	VMName                   *string                        `json:"vmName,omitempty"`
	VMNamePrefix             *string                        `json:"vmNamePrefix,omitempty"`
}

type NodeBootDiagnostics struct {
	IsEnabled  *bool   `json:"isEnabled,omitempty"`
	StorageURL *string `json:"storageUrl,omitempty"`
	Type       *string `json:"type,omitempty"`
}

type NodeDataDisk struct {
	LUN    *int    `json:"lun,omitempty"`
	SizeGB *int    `json:"sizeGB,omitempty"`
	Type   *string `json:"type,omitempty"`
}

type NodeExtension struct {
	APIVersion              *string                `json:"apiVersion,omitempty"`
	MinorVersionAutoUpgrade *bool                  `json:"minorVersionAutoUpgrade,omitempty"`
	Name                    *string                `json:"name,omitempty"`
	ProtectedSettings       map[string]interface{} `json:"protectedSettings,omitempty"`
	PublicSettings          map[string]interface{} `json:"publicSettings,omitempty"`
	Publisher               *string                `json:"publisher,omitempty"`
	Type                    *string                `json:"type,omitempty"`
}

type NodeImage struct {
	Custom      *NodeCustom      `json:"custom,omitempty"`
	Gallery     *NodeGallery     `json:"gallery,omitempty"`
	MarketPlace *NodeMarketplace `json:"marketplace,omitempty"`
}

type NodeCustom struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type NodeGallery struct {
	GalleryName       *string `json:"galleryName,omitempty"`
	ImageName         *string `json:"imageName,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
	SpotAccountId     *string `json:"spotAccountId,omitempty"`
	VersionName       *string `json:"versionName,omitempty"`
}

type NodeMarketplace struct {
	Offer     *string `json:"offer,omitempty"`
	Publisher *string `json:"publisher,omitempty"`
	SKU       *string `json:"sku,omitempty"`
	Version   *string `json:"version,omitempty"`
}

type NodeLoadBalancersConfig struct {
	LoadBalancers []*NodeLoadBalancer `json:"loadBalancers,omitempty"`
}

type NodeLoadBalancer struct {
	BackendPoolNames  []string `json:"backendPoolNames,omitempty"`
	SKU               *string  `json:"loadBalancerSku,omitempty"`
	Name              *string  `json:"name,omitempty"`
	ResourceGroupName *string  `json:"resourceGroupName,omitempty"`
	Type              *string  `json:"type,omitempty"`
}

type NodeLogin struct {
	Password     *string `json:"password,omitempty"`
	SSHPublicKey *string `json:"sshPublicKey,omitempty"`
	UserName     *string `json:"userName,omitempty"`
}

type NodeManagedServiceIdentity struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
	SubscriptionID    *string `json:"subscriptionId,omitempty"`
}

type NodeNetwork struct {
	NetworkInterfaces  []*NodeNetworkInterface `json:"networkInterfaces,omitempty"`
	ResourceGroupName  *string                 `json:"resourceGroupName,omitempty"`
	VirtualNetworkName *string                 `json:"virtualNetworkName,omitempty"`
}

type NodeNetworkInterface struct {
	AdditionalIPConfigurations []*NodeAdditionalIpConfiguration `json:"additionalIpConfigurations,omitempty"`
	ApplicationSecurityGroups  []*NodeApplicationSecurityGroup  `json:"applicationSecurityGroups,omitempty"`
	AssignPublicIP             *bool                            `json:"assignPublicIp,omitempty"`
	EnableIPForwarding         *bool                            `json:"enableIpForwarding,omitempty"`
	IsPrimary                  *bool                            `json:"isPrimary,omitempty"`
	NetworkSecurityGroup       *NodeNetworkSecurityGroup        `json:"networkSecurityGroup,omitempty"`
	PrivateIPAddresses         []string                         `json:"privateIpAddresses,omitempty"`
	PublicIPSku                *string                          `json:"publicIpSku,omitempty"`
	PublicIPs                  []*NodePublicIp                  `json:"publicIps,omitempty"`
	SubnetName                 *string                          `json:"subnetName,omitempty"`
}

type NodeAdditionalIpConfiguration struct {
	Name                    *string `json:"name,omitempty"`
	PrivateIPAddressVersion *string `json:"privateIpAddressVersion,omitempty"`
}

type NodeApplicationSecurityGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type NodeNetworkSecurityGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type NodePublicIp struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type NodeOsDisk struct {
	Caching *string `json:"caching,omitempty"`
	SizeGB  *int    `json:"sizeGB,omitempty"`
	Type    *string `json:"type,omitempty"`
}

type NodeProximityPlacementGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type NodeSecret struct {
	SourceVault       *NodeSourceVault        `json:"sourceVault,omitempty"`
	VaultCertificates []*NodeVaultCertificate `json:"vaultCertificates,omitempty"`
}

type NodeSourceVault struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
}

type NodeVaultCertificate struct {
	CertificateStore *string `json:"certificateStore,omitempty"`
	CertificateURL   *string `json:"certificateUrl,omitempty"`
}

type NodeSecurity struct {
	ConfidentialOsDiskEncryption *bool   `json:"confidentialOsDiskEncryption,omitempty"`
	EncryptionAtHost             *bool   `json:"encryptionAtHost,omitempty"`
	SecureBootEnabled            *bool   `json:"secureBootEnabled,omitempty"`
	SecurityType                 *string `json:"securityType,omitempty"`
	VTpmEnabled                  *bool   `json:"vTpmEnabled,omitempty"`
}

type NodeTag struct {
	TagKey   *string `json:"tagKey,omitempty"`
	TagValue *string `json:"tagValue,omitempty"`
}

type NodeVmSizes struct {
	ExcludedVmSizes    []string                `json:"excludedVmSizes,omitempty"`
	OnDemandSizes      []string                `json:"odSizes,omitempty"`
	PreferredSpotSizes []string                `json:"preferredSpotSizes,omitempty"`
	SpotSizeAttributes *NodeSpotSizeAttributes `json:"spotSizeAttributes,omitempty"`
	SpotSizes          []string                `json:"spotSizes,omitempty"`
}

type NodeSpotSizeAttributes struct {
	MaxCpu     *int `json:"maxCpu,omitempty"`
	MaxMemory  *int `json:"maxMemory,omitempty"`
	MaxStorage *int `json:"maxStorage,omitempty"`
	MinCpu     *int `json:"minCpu,omitempty"`
	MinMemory  *int `json:"minMemory,omitempty"`
	MinStorage *int `json:"minStorage,omitempty"`
}

type NodeHealth struct {
	AutoHealing       *bool    `json:"autoHealing,omitempty"`
	GracePeriod       *int     `json:"gracePeriod,omitempty"`
	HealthCheckTypes  []string `json:"healthCheckTypes,omitempty"`
	UnhealthyDuration *int     `json:"unhealthyDuration,omitempty"`
}

type NodePersistence struct {
	DataDisksPersistenceMode *string `json:"dataDisksPersistenceMode,omitempty"`
	OSDiskPersistenceMode    *string `json:"osDiskPersistenceMode,omitempty"`
	ShouldPersistDataDisks   *bool   `json:"shouldPersistDataDisks,omitempty"`
	ShouldPersistNetwork     *bool   `json:"shouldPersistNetwork,omitempty"`
	ShouldPersistOSDisk      *bool   `json:"shouldPersistOsDisk,omitempty"`
}

type NodeScheduling struct {
	Tasks []*NodeTask `json:"tasks,omitempty"`
}

type NodeTask struct {
	CronExpression *string `json:"cronExpression,omitempty"`
	IsEnabled      *bool   `json:"isEnabled,omitempty"`
	Type           *string `json:"type,omitempty"`
}

type NodeStrategy struct {
	AvailabilityVsCost     *int                        `json:"availabilityVsCost,omitempty"`
	CapacityReservation    *NodeCapacityReservation    `json:"capacityReservation,omitempty"`
	DrainingTimeout        *int                        `json:"drainingTimeout,omitempty"`
	FallbackToOnDemand     *bool                       `json:"fallbackToOd,omitempty"`
	InterruptionToleration *NodeInterruptionToleration `json:"interruptionToleration,omitempty"`
	OdWindows              []string                    `json:"odWindows,omitempty"`
	OptimizationWindows    []string                    `json:"optimizationWindows,omitempty"`
	PreferredLifecycle     *string                     `json:"preferredLifecycle,omitempty"`
	RevertToSpot           *NodeRevertToSpot           `json:"revertToSpot,omitempty"`
	Signals                []*NodeSignal               `json:"signals,omitempty"`
	VmAdmins               []string                    `json:"vmAdmins,omitempty"`
}

type NodeCapacityReservation struct {
	CapacityReservationGroups []*NodeCapacityReservationGroup `json:"capacityReservationGroups,omitempty"`
	ShouldUtilize             *bool                           `json:"shouldUtilize,omitempty"`
	UtilizationStrategy       *string                         `json:"utilizationStrategy,omitempty"`
}

type NodeCapacityReservationGroup struct {
	Name              *string `json:"name,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
	ShouldPrioritize  *bool   `json:"shouldPrioritize,omitempty"`
}

type NodeInterruptionToleration struct {
	Cooldown         *int  `json:"cooldown,omitempty"`
	EvaluationPeriod *int  `json:"evaluationPeriod,omitempty"`
	IsEnabled        *bool `json:"isEnabled,omitempty"`
	Threshold        *int  `json:"threshold,omitempty"`
}

type NodeRevertToSpot struct {
	PerformAt *string `json:"performAt,omitempty"`
}

type NodeSignal struct {
	Timeout *int    `json:"timeout,omitempty"`
	Type    *string `json:"type,omitempty"`
}

// Paths in Spot's schema (OpenAPI) that the Go SDK does not decode: allowed by -keys.
var spotOnlyPaths = map[string]map[string]bool{
	"group": {
		"compute.launchSpecification.licenseType": true,
		"integrations":                                       true,
		"integrations.azureDns":                              true,
		"integrations.azureDns.dnsZones":                     true,
		"integrations.azureDns.dnsZones[].name":              true,
		"integrations.azureDns.dnsZones[].recordSets":        true,
		"integrations.azureDns.dnsZones[].recordSets[].name": true,
		"integrations.azureDns.dnsZones[].resourceGroup":     true,
		"integrations.azureDns.dnsZones[].spotAccountId":     true,
		"integrations.azureDns.dnsZones[].type":              true,
		"integrations.insights":                              true,
		"integrations.insights.dataCollectionRuleId":         true,
		"integrations.insights.isEnabled":                    true,
		"strategy.shouldUtilizeCommitments":                  true,
	},
	"statefulNode": {
		"compute.launchSpecification.dataDisks[].caching":                                    true,
		"compute.launchSpecification.extensions[].enableAutomaticUpgrade":                    true,
		"compute.launchSpecification.extensions[].protectedSettingsFromKeyVault":             true,
		"compute.launchSpecification.extensions[].protectedSettingsFromKeyVault.secretUrl":   true,
		"compute.launchSpecification.extensions[].protectedSettingsFromKeyVault.sourceVault": true,
		"compute.launchSpecification.purchasePlan":                                           true,
		"compute.launchSpecification.purchasePlan.name":                                      true,
		"compute.launchSpecification.purchasePlan.product":                                   true,
		"compute.launchSpecification.purchasePlan.publisher":                                 true,
		"integrations":                               true,
		"integrations.insights":                      true,
		"integrations.insights.dataCollectionRuleId": true,
		"integrations.insights.isEnabled":            true,
		"strategy.shouldUtilizeCommitments":          true,
	},
}
