package awsrules

// Lambda's memory bounds in MB.
const (
	LambdaMemoryLowest  = 128
	LambdaMemoryHighest = 10240
)

// Lambda's timeout bounds in seconds, and what a function gets when its CloudFormation template sets
// neither Timeout nor MemorySize.
const (
	LambdaTimeoutLowest  = 1
	LambdaTimeoutHighest = 900
	LambdaTimeoutDefault = 3
	LambdaMemoryDefault  = 128
)
