package util

func Util() {}
