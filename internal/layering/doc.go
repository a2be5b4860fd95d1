// Package layering holds no code: its test enforces the import rules of README's "Layout" section on
// the whole module, with go list (see layering_test.go).
package layering
