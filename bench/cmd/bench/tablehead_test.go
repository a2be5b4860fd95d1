package main

import (
	"strings"
	"testing"
)

func TestTableHead(t *testing.T) {
	tests := []struct {
		columns []string
		want    string
	}{
		{[]string{"app", "command", "median:", "min – max:", "peak RSS:", "same bytes as the first synth"},
			"| app | command | median | min – max | peak RSS | same bytes as the first synth |\n| --- | --- | ---: | ---: | ---: | --- |\n"},
		{[]string{"app", "command", "validation on: time:", "RSS:", "validation off: time:", "RSS:"},
			"| app | command | validation on: time | RSS | validation off: time | RSS |\n| --- | --- | ---: | ---: | ---: | ---: |\n"},
		{[]string{"phase", "routes300, nag on, validation on:"},
			"| phase | routes300, nag on, validation on |\n| --- | ---: |\n"},
	}
	for _, tt := range tests {
		var w strings.Builder
		tableHead(&w, tt.columns...)
		if w.String() != tt.want {
			t.Errorf("tableHead(%q) =\n%s\nwant\n%s", tt.columns, w.String(), tt.want)
		}
	}
}
