//go:build linux || darwin

package synthcache

import (
	"os"
	"syscall"
)

// fileID is what identifies a file's content without reading it: ctime cannot be set by a program, so a
// file rewritten with the same size and mtime still gets a new fileID. Only where syscall.Stat_t keeps
// the change time differs per OS (changeTime).
func fileID(fi os.FileInfo) (id statID, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return id, false
	}
	return statID{
		Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Ctime: changeTime(st),
		Ino: uint64(st.Ino), Dev: uint64(st.Dev),
	}, true
}
