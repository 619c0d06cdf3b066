package config

import (
	"strings"
	"testing"
)

const goodAction = `egress: {allow_urls: ["https://soar.internal/hooks/"]}
actions:
  block-ip:
    describe: Block an IP
    params: {ip: ip, reason: text}
    request:
      method: POST
      url: https://soar.internal/hooks/block-ip
      body: '{"ip": {{json .Params.ip}}}'
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander], not_requester: true}
    undo: unblock-ip
  unblock-ip:
    params: {ip: ip}
    request: {method: POST, url: "https://soar.internal/hooks/unblock/{{.Params.ip}}"}
    secret_env: WARROOM_ACTION_SECRET
playbooks:
  ransomware:
    match: {type: ransomware}
    actions: [block-ip]
`

func TestActionConfig(t *testing.T) {
	c, err := ParseConfig("a.yaml", []byte(goodAction))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Actions["block-ip"]
	if strings.Join(a.ParamOrder, ",") != "ip,reason" || a.Approval.Quorum != 1 || a.Approval.Expires.Std() != DefaultApprovalExpires ||
		a.TimeoutTotal.Std() != DefaultActionTimeoutTotal || a.Timeout.Std() != DefaultActionTimeout {
		t.Fatalf("defaults/order: %+v %+v", a, a.Approval)
	}
	cases := map[string]struct{ from, to, want string }{
		"template error":    {`{{json .Params.ip}}}'`, `{{json .Params.ip}'`, `a.yaml:9: actions.block-ip.request.body: template:`},
		"unknown type":      {"reason: text}", "reason: ipv9}", `a.yaml:5: actions.block-ip.params.reason: unknown parameter type "ipv9"`},
		"outside allowlist": {"url: https://soar.internal/hooks/block-ip", "url: https://evil.example/hooks/block-ip", `a.yaml:8: actions.block-ip.request.url: "https://evil.example/hooks/block-ip" is outside egress.allow_urls`},
		"host from param":   {"url: https://soar.internal/hooks/block-ip", `url: "https://soar.internal{{.Params.ip}}"`, `actions.block-ip.request.url:`},
		"prefix host only":  {`allow_urls: ["https://soar.internal/hooks/"]`, `allow_urls: ["https://soar.internal"]`, `egress.allow_urls[0]: "https://soar.internal" is not an allowed URL prefix`},
		"unknown action":    {"actions: [block-ip]", "actions: [block-ip, wipe-disk]", `playbooks.ransomware.actions[1]: unknown action "wipe-disk"`},
		"undo unknown":      {"undo: unblock-ip", "undo: unblock-everything", `actions.block-ip.undo: unknown action "unblock-everything"`},
		"method":            {"method: POST", "method: TRACE", `actions.block-ip.request.method: method must be`},
		"no secret":         {"    secret_env: WARROOM_ACTION_SECRET\n    approval", "    approval", `actions.block-ip.secret_env: every action is signed`},
		"approval role":     {"roles: [commander]", "roles: [janitor]", `actions.block-ip.approval.roles[0]: unknown role "janitor"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			y := strings.Replace(goodAction, c.from, c.to, 1)
			if y == goodAction {
				t.Fatal("case does not change the file")
			}
			_, err := ParseConfig("a.yaml", []byte(y))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant …%s…", err, c.want)
			}
		})
	}
}
