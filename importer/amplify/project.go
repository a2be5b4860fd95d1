package amplify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Paths of the project-level files, relative to the project folder.
const (
	backendConfigFile = "amplify/backend/backend-config.json"
	teamProviderFile  = "amplify/team-provider-info.json"
	projectConfigFile = "amplify/.config/project-config.json"
	localEnvFile      = "amplify/.config/local-env-info.json"
	amplifyMetaFile   = "amplify/backend/amplify-meta.json"
)

// EnvError is returned when the project has several Amplify envs and none was chosen.
type EnvError struct {
	Envs []string // sorted
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("%s has %d Amplify envs (%s) and %s names none: choose one with the env option (%s NAME)",
		teamProviderFile, len(e.Envs), strings.Join(e.Envs, ", "), localEnvFile, FlagEnv)
}

type dependsOn struct {
	Category        string   `json:"category"`
	ResourceName    string   `json:"resourceName"`
	TriggerProvider string   `json:"triggerProvider"`
	Attributes      []string `json:"attributes"`
}

type backendEntry struct {
	Service           string      `json:"service"`
	ServiceType       string      `json:"serviceType"`
	AuthorizationType string      `json:"authorizationType"`
	DependsOn         []dependsOn `json:"dependsOn"`
}

// awsInfo is an env's awscloudformation block (team-provider-info.json, or amplify-meta.json's
// providers.awscloudformation).
type awsInfo struct {
	Region       string `json:"Region"`
	StackName    string `json:"StackName"`
	AmplifyAppID string `json:"AmplifyAppId"`
}

type tpiEnv struct {
	AWS        awsInfo                                          `json:"awscloudformation"`
	Categories map[string]map[string]map[string]json.RawMessage `json:"categories"`
}

// project is what Import reads once: the resource list, the chosen env and its settings.
type project struct {
	files
	resources []resourceRef // every entry of backend-config.json but its "parameters", by category, name

	projectName string
	frontend    string // javascript, android, ios, flutter
	sourceDir   string // javascript.config.SourceDir

	env      string
	envFrom  string // how the env was chosen, for the header
	localEnv string // the checked-out env (local-env-info.json), "" when not recorded
	envCount int    // envs in team-provider-info.json
	hasTPI   bool
	aws      awsInfo
	awsFrom  string // file and path of the awscloudformation block
	params   map[string]map[string]map[string]json.RawMessage
}

type resourceRef struct {
	Category, Name string
	backendEntry
}

// loadProject reads what the import needs of the project: its resources, its settings and the env.
func loadProject(dir string, opts Options) (*project, error) {
	p := &project{files: files{dir: dir}}
	if !p.isDir("amplify") {
		return nil, &FileError{Path: "amplify", Msg: "no amplify folder here: give the folder that holds amplify/ (the Amplify Gen 1 project root)"}
	}
	if err := p.readBackendConfig(); err != nil {
		return nil, err
	}
	if err := p.readProjectConfig(); err != nil {
		return nil, err
	}
	var tpi map[string]tpiEnv
	hasTPI, err := p.readOptionalJSON(teamProviderFile, &tpi)
	if err != nil {
		return nil, err
	}
	p.hasTPI = hasTPI && len(tpi) > 0
	if err := p.chooseEnv(opts, tpi); err != nil {
		return nil, err
	}
	if p.hasTPI {
		e := tpi[p.env]
		p.aws, p.awsFrom, p.params = e.AWS, teamProviderFile+": "+p.env+".awscloudformation", e.Categories
		return p, nil
	}
	if err := p.readAmplifyMeta(); err != nil {
		return nil, err
	}
	return p, nil
}

// readBackendConfig lists the resources of backend-config.json, sorted by category and name.
func (p *project) readBackendConfig() error {
	var backend map[string]map[string]backendEntry
	if err := p.readJSON(backendConfigFile, &backend); err != nil {
		return err
	}
	for _, cat := range slices.Sorted(maps.Keys(backend)) {
		if cat == "parameters" {
			continue // AMPLIFY_<category>_<resource>_<param> wiring, not resources
		}
		for _, name := range slices.Sorted(maps.Keys(backend[cat])) {
			p.resources = append(p.resources, resourceRef{Category: cat, Name: name, backendEntry: backend[cat][name]})
		}
	}
	return nil
}

// readProjectConfig reads the project's name, frontend and source folder (project-config.json).
func (p *project) readProjectConfig() error {
	var pc struct {
		ProjectName string `json:"projectName"`
		Frontend    string `json:"frontend"`
		JavaScript  struct {
			Config struct {
				SourceDir string `json:"SourceDir"`
			} `json:"config"`
		} `json:"javascript"`
	}
	if _, err := p.readOptionalJSON(projectConfigFile, &pc); err != nil {
		return err
	}
	p.projectName, p.frontend, p.sourceDir = pc.ProjectName, pc.Frontend, pc.JavaScript.Config.SourceDir
	return nil
}

// chooseEnv picks the env to import: the option, else the checked-out one, else the only one.
func (p *project) chooseEnv(opts Options, tpi map[string]tpiEnv) error {
	var local struct {
		EnvName string `json:"envName"`
	}
	if _, err := p.readOptionalJSON(localEnvFile, &local); err != nil {
		return err
	}
	envs := slices.Sorted(maps.Keys(tpi))
	p.localEnv, p.envCount = local.EnvName, len(envs)
	switch {
	case opts.Env != "":
		if p.hasTPI {
			if _, ok := tpi[opts.Env]; !ok {
				return fmt.Errorf("env %q is not in %s; its envs are %s", opts.Env, teamProviderFile, strings.Join(envs, ", "))
			}
		}
		p.env, p.envFrom = opts.Env, "chosen with the env option"
	case local.EnvName != "" && (!p.hasTPI || hasKey(tpi, local.EnvName)):
		p.env, p.envFrom = local.EnvName, "the env of "+localEnvFile
	case len(envs) == 1:
		p.env, p.envFrom = envs[0], "the only env in "+teamProviderFile
	case len(envs) > 1:
		return &EnvError{Envs: envs}
	}
	return nil
}

// readAmplifyMeta takes the account information, and the env when none was chosen, from
// amplify-meta.json in a project without team-provider-info.json.
func (p *project) readAmplifyMeta() error {
	var meta struct {
		Providers struct {
			AWS awsInfo `json:"awscloudformation"`
		} `json:"providers"`
	}
	if ok, err := p.readOptionalJSON(amplifyMetaFile, &meta); err != nil {
		return err
	} else if ok && meta.Providers.AWS.StackName != "" {
		p.aws, p.awsFrom = meta.Providers.AWS, amplifyMetaFile+": providers.awscloudformation"
		if p.env == "" {
			if env := stackEnv(p.aws.StackName); env != "" {
				p.env, p.envFrom = env, "the env in the root stack name of "+amplifyMetaFile+"; there is no "+teamProviderFile
			}
		}
	}
	if p.env == "" {
		p.env, p.envFrom = "dev", "a default: the project has no "+teamProviderFile+" naming its envs"
	}
	return nil
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// stackEnv is the env in an Amplify root stack name, amplify-<project>-<env>-<suffix> (the project
// name may hold hyphens; the env cannot).
func stackEnv(stack string) string {
	parts := strings.Split(stack, "-")
	if len(parts) >= 4 && parts[0] == "amplify" {
		return parts[len(parts)-2]
	}
	return ""
}

// param returns an env's team-provider-info value categories.<cat>.<name>.<key> as a string.
func (p *project) param(cat, name, key string) (string, bool) {
	raw, ok := p.params[cat][name][key]
	if !ok {
		return "", false
	}
	return rawString(raw)
}

// rawString turns a JSON scalar into its string form (strings unquoted); objects and lists are false.
func rawString(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// tpiPath names an env value in team-provider-info.json for comments.
func (p *project) tpiPath(cat, name, key string) string {
	return fmt.Sprintf("%s: %s.categories.%s.%s.%s", teamProviderFile, p.env, cat, name, key)
}
