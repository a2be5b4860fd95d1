package photos

// Handle is a library function: the folder is not a command.
func Handle() {}
