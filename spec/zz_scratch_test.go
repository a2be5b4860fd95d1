package spec

import ("testing")

func TestZZScratch(t *testing.T) {
	a, err := Parse("t.yaml", "../examples/iam-guest", []byte("version: 1\napp: x\nfunctions:\n  base: &b { runtime: nodejs, source: functions/catalog, memory: 256 }\n  big: { <<: *b, memory: 512 }\n"), "")
	t.Log(err)
	if a != nil { t.Logf("%+v", a.Functions) }
}
