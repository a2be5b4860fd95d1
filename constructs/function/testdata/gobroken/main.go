// Command gobroken deliberately fails to compile (test fixture).
package main

func main() {
	var n int = "not an int"
	_ = n
}
