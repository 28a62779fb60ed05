// Command spotdecode reads Spot API answers and decodes them the way spotinst-sdk-go (the
// client of Spot's Terraform provider) does: encoding/json into typed structs, time.Time for
// createdAt/updatedAt, ints, bools and the SDK's json tags. It exits non-zero, with the
// decoding error, on any answer the SDK would fail on.
//
//	spotdecode [-kind group] [-status 200] [-keys] [file ...]   (stdin when no file)
//
// On success it prints what a Go client sees, as JSON:
// {"requestId": "...", "items": [...], "errors": [...]}.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"
)

// envelope is what the SDK's client.Response reads from every answer.
type envelope struct {
	Request struct {
		ID string `json:"id"`
	} `json:"request"`
	Response struct {
		Errors []apiError        `json:"errors"`
		Items  []json.RawMessage `json:"items"`
	} `json:"response"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// Account is a /setup/account item as the SDK's account service reads it.
type Account struct {
	ID                 *string    `json:"id,omitempty"`
	Name               *string    `json:"name,omitempty"`
	OrganizationID     *string    `json:"organizationId,omitempty"`
	AccountID          *string    `json:"accountId,omitempty"`
	CloudProvider      *string    `json:"cloudProvider,omitempty"`
	ProviderExternalID *string    `json:"providerExternalId,omitempty"`
	CreatedAt          *time.Time `json:"createdAt,omitempty"`
}

// AzureCredentials is an /azure/setup/credentials item.
type AzureCredentials struct {
	AccountID      *string `json:"accountId,omitempty"`
	ClientID       *string `json:"clientId,omitempty"`
	ClientSecret   *string `json:"clientSecret,omitempty"`
	TenantID       *string `json:"tenantId,omitempty"`
	SubscriptionID *string `json:"subscriptionId,omitempty"`
	ExpirationDate *string `json:"expirationDate,omitempty"`
}

// StatefulNodeState is a GET /azure/compute/statefulNode/{id}/status item.
type StatefulNodeState struct {
	ID                *string `json:"id,omitempty"`
	Name              *string `json:"name,omitempty"`
	Region            *string `json:"region,omitempty"`
	ResourceGroupName *string `json:"resourceGroupName,omitempty"`
	Status            *string `json:"status,omitempty"`
	VMName            *string `json:"vmName,omitempty"`
	VMSize            *string `json:"vmSize,omitempty"`
	LifeCycle         *string `json:"lifeCycle,omitempty"`
	RollbackReason    *string `json:"rollbackReason,omitempty"`
	ErrorReason       *string `json:"errorReason,omitempty"`
	PrivateIP         *string `json:"privateIP,omitempty"`
	PublicIP          *string `json:"publicIP,omitempty"`
}

// StatefulNodeImport is a POST /azure/compute/statefulNode/import item.
type StatefulNodeImport struct {
	StatefulImportID       *string       `json:"statefulImportId,omitempty"`
	ResourceGroupName      *string       `json:"resourceGroupName,omitempty"`
	OriginalVMName         *string       `json:"originalVmName,omitempty"`
	DrainingTimeout        *int          `json:"drainingTimeout,omitempty"`
	ResourcesRetentionTime *int          `json:"resourcesRetentionTime,omitempty"`
	StatefulNode           *StatefulNode `json:"node,omitempty"`
}

// kinds maps -kind to the item type the SDK decodes; "envelope" decodes no item.
var kinds = map[string]reflect.Type{
	"group":              reflect.TypeOf(Group{}),
	"statefulNode":       reflect.TypeOf(StatefulNode{}),
	"statefulNodeState":  reflect.TypeOf(StatefulNodeState{}),
	"statefulNodeImport": reflect.TypeOf(StatefulNodeImport{}),
	"account":            reflect.TypeOf(Account{}),
	"azureCredentials":   reflect.TypeOf(AzureCredentials{}),
	"envelope":           nil,
}

type result struct {
	RequestID string        `json:"requestId"`
	Items     []interface{} `json:"items"`
	Errors    []apiError    `json:"errors"`
}

func main() {
	kind := flag.String("kind", "envelope", "item type: "+strings.Join(kindNames(), ", "))
	status := flag.Int("status", 200, "HTTP status of the answer; the SDK reads non-200 answers as errors")
	keys := flag.Bool("keys", false, "also fail on item keys the SDK's structs do not spell exactly "+
		"(a Go client drops or case-folds them), except paths only Spot's OpenAPI has")
	flag.Parse()
	itemType, ok := kinds[*kind]
	if !ok {
		fmt.Fprintf(os.Stderr, "spotdecode: unknown -kind %q (one of %s)\n", *kind, strings.Join(kindNames(), ", "))
		os.Exit(2)
	}
	inputs, err := readInputs(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "spotdecode:", err)
		os.Exit(2)
	}
	var out []result
	for _, in := range inputs {
		res, err := decode(in.body, *kind, itemType, *status, *keys)
		if err != nil {
			fmt.Fprintf(os.Stderr, "spotinst-sdk-go would fail on %s: %v\n", in.name, err)
			os.Exit(1)
		}
		out = append(out, res)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if len(out) == 1 {
		_ = enc.Encode(out[0])
	} else {
		_ = enc.Encode(out)
	}
}

func kindNames() []string {
	var names []string
	for name := range kinds {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

type input struct {
	name string
	body []byte
}

func readInputs(paths []string) ([]input, error) {
	if len(paths) == 0 {
		body, err := io.ReadAll(os.Stdin)
		return []input{{"stdin", body}}, err
	}
	var inputs []input
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, input{path, body})
	}
	return inputs, nil
}

func decode(body []byte, kind string, itemType reflect.Type, status int, keys bool) (result, error) {
	if status != 200 {
		return decodeError(body, status)
	}
	// As the SDK's *FromJSON helpers: the whole answer into the envelope, then each item.
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return result{}, fmt.Errorf("envelope: %w", err)
	}
	res := result{RequestID: env.Request.ID, Items: []interface{}{}, Errors: env.Response.Errors}
	if res.Errors == nil {
		res.Errors = []apiError{}
	}
	if itemType == nil {
		return res, nil
	}
	for i, raw := range env.Response.Items {
		item := reflect.New(itemType).Interface()
		if err := json.Unmarshal(raw, item); err != nil {
			return result{}, fmt.Errorf("response.items[%d]: %w", i, err)
		}
		if keys {
			if problems := checkKeys(raw, itemType, kind); len(problems) > 0 {
				return result{}, fmt.Errorf("response.items[%d] keys:\n  %s", i, strings.Join(problems, "\n  "))
			}
		}
		res.Items = append(res.Items, item)
	}
	return res, nil
}

// decodeError reads a non-200 answer as the SDK's extractError does: a streaming decode of
// the envelope; without errors in it the SDK reports the HTTP status as the code.
func decodeError(body []byte, status int) (result, error) {
	var env envelope
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&env); err != nil {
		return result{}, fmt.Errorf("error answer (HTTP %d) is not Spot's envelope, the SDK reports only %q", status, err.Error())
	}
	res := result{RequestID: env.Request.ID, Items: []interface{}{}, Errors: env.Response.Errors}
	if len(res.Errors) == 0 {
		res.Errors = []apiError{{Code: fmt.Sprint(status), Message: httpStatusText(status)}}
	}
	return res, nil
}

func httpStatusText(status int) string {
	texts := map[int]string{400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
		405: "Method Not Allowed", 409: "Conflict", 422: "Unprocessable Entity", 500: "Internal Server Error"}
	return texts[status]
}

// checkKeys walks an item's JSON beside the struct the SDK decodes it into and lists every key
// the struct does not spell exactly. encoding/json ignores unknown keys and matches keys
// case-insensitively, so such keys decode silently to nothing, or only by case folding: a
// client that reads back what it wrote then sees a change.
func checkKeys(raw json.RawMessage, t reflect.Type, kind string) []string {
	var value interface{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&value); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	walk(value, t, "", spotOnlyPaths[kind], &problems)
	sort.Strings(problems)
	return problems
}

var timeType = reflect.TypeOf(time.Time{})

func walk(value interface{}, t reflect.Type, path string, allowed map[string]bool, problems *[]string) {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch v := value.(type) {
	case map[string]interface{}:
		if t.Kind() != reflect.Struct || t == timeType {
			return // free-form maps (extension settings) take any key
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			fields[name] = t.Field(i).Type
		}
		for key, child := range v {
			childPath := key
			if path != "" {
				childPath = path + "." + key
			}
			if ft, ok := fields[key]; ok {
				walk(child, ft, childPath, allowed, problems)
				continue
			}
			if allowed[childPath] {
				continue
			}
			if spelled := caseFold(fields, key); spelled != "" {
				*problems = append(*problems, fmt.Sprintf("%s: the SDK spells it %q (decoded only by case folding)", childPath, spelled))
			} else {
				*problems = append(*problems, fmt.Sprintf("%s: no such field in the SDK, a Go client drops it", childPath))
			}
		}
	case []interface{}:
		if t.Kind() != reflect.Slice {
			return
		}
		for _, elem := range v {
			walk(elem, t.Elem(), path+"[]", allowed, problems)
		}
	}
}

func caseFold(fields map[string]reflect.Type, key string) string {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return name
		}
	}
	return ""
}
