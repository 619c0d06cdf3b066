package main

import (
	"bufio"
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/warroom/warroom/bot/slack"
	"github.com/warroom/warroom/config"
)

// The deployment files in deploy/ (docs/deploy.md) name only flags and environment
// variables that warroom has, and hang together: the compose file's replicas are alike, share
// one database and one key, and are the load balancer's upstreams; the systemd units pass
// systemd's own check where systemd-analyze is installed.

const deployDir = "../../deploy"

// pgxEnv are the libpq variables the deployment files use that pgx reads itself
// (pgconn.ParseConfig), not warroom.
var pgxEnv = []string{"PGPASSWORD"}

// checkEnvVar fails unless name is the environment variable of one of the subcommand's
// flags (as `warroom CMD --help` lists them), a platform's variable that the product reads,
// or one of pgx's.
func checkEnvVar(t *testing.T, where, cmd, name string) {
	t.Helper()
	switch {
	case strings.HasPrefix(name, "WARROOM_"):
		if !strings.Contains(subcommandHelp(cmd), "env "+name+")") && !strings.Contains(subcommandHelp(cmd), "(env "+name+",") {
			t.Errorf("%s: %s is not an environment variable of `warroom %s` (warroom %s --help)", where, name, cmd, cmd)
		}
	case strings.HasPrefix(name, "SLACK_"), strings.HasPrefix(name, "DISCORD_"):
		if !productReads(t, name) {
			t.Errorf("%s: warroom never reads %s", where, name)
		}
	case !slices.Contains(pgxEnv, name):
		t.Errorf("%s: %s is neither warroom's nor pgx's", where, name)
	}
}

// productReads reports whether a non-test Go file of the product names the variable.
func productReads(t *testing.T, name string) bool {
	t.Helper()
	found := false
	for _, dir := range []string{".", "../../bot", "../../config"} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || found || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil && bytes.Contains(data, []byte(`"`+name+`"`)) {
				found = true
			}
			return err
		})
	}
	return found
}

// checkArgs fails unless args are a warroom subcommand and flags it takes.
func checkArgs(t *testing.T, where string, args []string) string {
	t.Helper()
	if len(args) == 0 {
		t.Fatalf("%s: no warroom command", where)
	}
	cmd := args[0]
	if _, ok := subcommands[cmd]; !ok {
		t.Fatalf("%s: warroom has no command %q", where, cmd)
	}
	help := subcommandHelp(cmd)
	for _, a := range args[1:] {
		if name, ok := strings.CutPrefix(a, "--"); ok {
			name, _, _ = strings.Cut(name, "=")
			if !strings.Contains(help, "--"+name+" ") && !strings.Contains(help, "--"+name+"\n") {
				t.Errorf("%s: `warroom %s` takes no --%s (warroom %s --help)", where, cmd, name, cmd)
			}
		}
	}
	return cmd
}

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	EnvFile     []string          `yaml:"env_file"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   any               `yaml:"depends_on"` // a list of names or a map name → condition
}

func (s composeService) dependsOn() []string {
	switch d := s.DependsOn.(type) {
	case []any:
		var out []string
		for _, x := range d {
			out = append(out, x.(string))
		}
		return out
	case map[string]any:
		var out []string
		for k := range d {
			out = append(out, k)
		}
		return out
	}
	return nil
}

func TestComposeReplicasFile(t *testing.T) {
	dir := filepath.Join(deployDir, "replicas")
	data, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("compose.yaml does not parse: %v", err)
	}
	replicas := []string{"warroom-1", "warroom-2", "warroom-3"}
	first, ok := f.Services[replicas[0]]
	if !ok {
		t.Fatalf("compose.yaml has no service %s", replicas[0])
	}
	for _, name := range replicas {
		s := f.Services[name]
		where := "compose.yaml " + name
		if s.Image != "warroom:local" || !slices.Equal(s.Command, first.Command) || !equalMaps(s.Environment, first.Environment) {
			t.Errorf("%s differs from %s: every replica runs the same image, command and environment", name, replicas[0])
		}
		if cmd := checkArgs(t, where, s.Command); cmd != "run" {
			t.Errorf("%s runs `warroom %s`, want run", where, cmd)
		}
		for k := range s.Environment {
			checkEnvVar(t, where, "run", k)
		}
	}
	db, err := url.Parse(first.Environment["WARROOM_DB"])
	if err != nil || db.Scheme != "postgres" {
		t.Fatalf("the replicas' WARROOM_DB %q is not a postgres:// URL", first.Environment["WARROOM_DB"])
	}
	if _, ok := f.Services[db.Hostname()]; !ok {
		t.Errorf("WARROOM_DB names host %q, which is no service of the file", db.Hostname())
	}
	if db.User.String() != "" {
		if _, hasPW := db.User.Password(); hasPW {
			t.Errorf("WARROOM_DB carries a password; it belongs in PGPASSWORD in the env file")
		}
	}
	// The key is created once by the key service, on the volume the replicas read it from.
	key, ok := f.Services["key"]
	if !ok {
		t.Fatal("compose.yaml has no key service")
	}
	if cmd := checkArgs(t, "compose.yaml key", key.Command); cmd != "key" {
		t.Errorf("the key service runs `warroom %s`, want key", cmd)
	}
	if !equalMaps(key.Environment, first.Environment) {
		t.Errorf("the key service's environment differs from the replicas': it must create the key they read, on their database")
	}
	keyPath := first.Environment["WARROOM_KEY"]
	if !mountsPath(key.Volumes, keyPath, false) || !mountsPath(first.Volumes, keyPath, true) {
		t.Errorf("WARROOM_KEY %s is not on one volume, written by the key service (%v) and read by the replicas (%v)", keyPath, key.Volumes, first.Volumes)
	}
	for name, s := range f.Services {
		for _, d := range s.dependsOn() {
			if _, ok := f.Services[d]; !ok {
				t.Errorf("service %s depends on %s, which does not exist", name, d)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat(filepath.Join(dir, src)); err != nil {
					t.Errorf("service %s mounts %s: %v", name, src, err)
				}
			} else if _, ok := f.Volumes[src]; !ok {
				t.Errorf("service %s mounts the volume %s, which the file does not declare", name, src)
			}
		}
		for _, ef := range s.EnvFile {
			checkEnvExample(t, filepath.Join(dir, ef+".example"), name)
		}
	}
	if _, err := config.LoadConfig(filepath.Join(dir, "warroom.yaml")); err != nil {
		t.Errorf("deploy/replicas/warroom.yaml: %v", err)
	}
	checkNginx(t, filepath.Join(dir, "nginx.conf"), replicas, first.Environment["WARROOM_HTTP_ADDR"])
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// mountsPath reports whether one of the volumes is mounted over path (read-only if ro).
func mountsPath(volumes []string, path string, ro bool) bool {
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && strings.HasPrefix(path, strings.TrimSuffix(parts[1], "/")+"/") &&
			(len(parts) == 3 && parts[2] == "ro") == ro {
			return true
		}
	}
	return false
}

// checkEnvExample checks the variables an env file's example sets (for the postgres
// service they are the image's own and are not checked).
func checkEnvExample(t *testing.T, path, service string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("service %s reads an env file with no example beside it: %v", service, err)
		return
	}
	if service == "postgres" {
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "#"))
		if k, _, ok := strings.Cut(line, "="); ok && regexp.MustCompile(`^[A-Z_]+$`).MatchString(k) {
			checkEnvVar(t, filepath.Base(path), "run", k)
		}
	}
}

// checkNginx: the upstreams are exactly the replicas on their HTTP port, and the location
// routed to them covers Slack's three endpoints.
func checkNginx(t *testing.T, path string, replicas []string, httpAddr string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := strings.Cut(httpAddr, ":")
	block := regexp.MustCompile(`upstream\s+\S+\s*\{([^}]*)\}`).FindStringSubmatch(string(data))
	if block == nil {
		t.Fatal("nginx.conf has no upstream block")
	}
	var upstreams []string
	for _, m := range regexp.MustCompile(`(?m)^\s*server\s+([^\s;]+)`).FindAllStringSubmatch(block[1], -1) {
		upstreams = append(upstreams, m[1])
	}
	var want []string
	for _, r := range replicas {
		want = append(want, r+":"+port)
	}
	if !slices.Equal(upstreams, want) {
		t.Errorf("nginx.conf upstreams %v, want the replicas %v", upstreams, want)
	}
	loc := regexp.MustCompile(`location\s+(/\S*)\s*\{\s*proxy_pass`).FindStringSubmatch(string(data))
	if loc == nil {
		t.Fatal("nginx.conf proxies no location")
	}
	for _, p := range []string{slack.CommandsPath, slack.EventsPath, slack.InteractionsPath} {
		if !strings.HasPrefix(p, loc[1]) {
			t.Errorf("nginx.conf proxies %s, which does not cover Slack's %s", loc[1], p)
		}
	}
}

func TestSystemdUnits(t *testing.T) {
	for _, unit := range []string{"warroom.service", "replicas/warroom.service"} {
		path := filepath.Join(deployDir, unit)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "Environment="); ok {
				k, _, _ := strings.Cut(v, "=")
				checkEnvVar(t, unit, "run", k)
			}
			if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
				f := strings.Fields(v)
				if len(f) < 2 || filepath.Base(f[0]) != "warroom" {
					t.Fatalf("%s: ExecStart=%s does not run warroom", unit, v)
				}
				checkArgs(t, unit, f[1:])
			}
		}
		systemdVerify(t, unit, data)
	}
}

// systemdVerify runs `systemd-analyze verify` on a copy of the unit whose binary exists
// (/bin/true stands in for warroom); any complaint fails. Without systemd-analyze it says
// so and checks nothing more.
func systemdVerify(t *testing.T, unit string, data []byte) {
	t.Helper()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Logf("%s: not checked by systemd-analyze (not installed)", unit)
		return
	}
	tmp := filepath.Join(t.TempDir(), filepath.Base(unit))
	if err := os.WriteFile(tmp, bytes.ReplaceAll(data, []byte("/usr/local/bin/warroom"), []byte("/bin/true")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("systemd-analyze", "verify", tmp)
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s: systemd-analyze verify did not finish in 60 s", unit)
	}
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("%s: systemd-analyze verify: %v\n%s", unit, err, out)
	}
}
