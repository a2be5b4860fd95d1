package awsrules

// Lambda's bounds: memory in MB, timeout in seconds.
const (
	LambdaMemoryLowest   = 128
	LambdaMemoryHighest  = 10240
	LambdaTimeoutLowest  = 1
	LambdaTimeoutHighest = 900
)

// What Lambda gives a function whose CloudFormation template sets neither Timeout nor MemorySize.
const (
	LambdaTimeoutDefault = 3
	LambdaMemoryDefault  = 128
)
