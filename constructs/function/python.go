package function

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// PipPlatformArgs select what pip installs for a python function: binary wheels for the runtime
// underhood deploys on, python3.13 on arm64, since nothing may be compiled for the build machine
// instead. python3.13 runs on Amazon Linux 2023, whose glibc 2.34 loads every manylinux wheel from
// manylinux2014 (glibc 2.17) up to manylinux_2_34; pip prefers the first platform that matches.
var PipPlatformArgs = pipPlatformArgs(34)

func pipPlatformArgs(glibcMinor int) []string {
	args := []string{"--implementation", "cp", "--python-version", "3.13", "--only-binary=:all:"}
	for v := glibcMinor; v >= 17; v-- {
		args = append(args, "--platform", fmt.Sprintf("manylinux_2_%d_aarch64", v))
	}
	return append(args, "--platform", "manylinux2014_aarch64")
}

// BuildPython copies the python source folder into outDir (emptied first), leaving out what is never
// code to run: hidden files and folders (.env, .venv, .git), __pycache__, virtual environments and
// top-level test or tests folders. With a requirements.txt, pip installs it into outDir for the
// Lambda platform (PipPlatformArgs), never into source.
//
// pip runs as "python3 -m pip" in source (relative paths in requirements.txt work as they do there)
// with the caller's environment, so PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX and pip.conf apply.
// For the same asset on every machine it writes no bytecode and drops the console scripts (bin/),
// whose first line names the build machine's python.
func BuildPython(source, outDir string) error {
	absSrc, err := filepath.Abs(source)
	if err != nil {
		return err
	}
	if err := resetBuildDir(absSrc, outDir); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(absSrc, "requirements.txt")); err == nil {
		if err := pipInstall(absSrc, outDir); err != nil {
			return err
		}
	}
	return copyPythonSource(absSrc, outDir)
}

func pipInstall(absSrc, outDir string) error {
	python, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("requirements.txt needs pip, and python3 is not on PATH: install Python 3 with pip (Debian: apt-get install python3-pip)")
	}
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	args := append([]string{"-m", "pip", "install",
		"--requirement", "requirements.txt",
		"--target", absOut,
		"--no-compile", "--disable-pip-version-check", "--no-input", "--quiet",
	}, PipPlatformArgs...)
	cmd := exec.Command(python, args...)
	cmd.Dir = absSrc
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if strings.Contains(msg, "No module named pip") {
			return fmt.Errorf("requirements.txt needs pip, and %s has no pip module: install pip (Debian: apt-get install python3-pip)", python)
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("pip install -r %s failed: %s", filepath.Join(absSrc, "requirements.txt"), msg)
	}
	// Console scripts start with "#!<the build machine's python>"; Lambda never runs them.
	if err := os.RemoveAll(filepath.Join(absOut, "bin")); err != nil {
		return err
	}
	return dropScriptsFromRecords(absOut)
}

// dropScriptsFromRecords removes the bin/ entries (and their machine-specific hashes) from every
// installed package's RECORD, so the asset does not depend on where python lives.
func dropScriptsFromRecords(dir string) error {
	records, err := filepath.Glob(filepath.Join(dir, "*.dist-info", "RECORD"))
	if err != nil {
		return err
	}
	for _, rec := range records {
		data, err := os.ReadFile(rec)
		if err != nil {
			return err
		}
		var kept []string
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if !strings.HasPrefix(line, "../../bin/") && !strings.HasPrefix(line, "bin/") {
				kept = append(kept, line)
			}
		}
		if err := os.WriteFile(rec, []byte(strings.Join(kept, "")), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// copyPythonSource copies absSrc into outDir, except what BuildPython leaves out. Files keep their
// mode; a symbolic link is copied as the file it points to.
func copyPythonSource(absSrc, outDir string) error {
	return filepath.WalkDir(absSrc, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(absSrc, path)
		if err != nil || rel == "." {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") || name == "__pycache__" ||
			(d.IsDir() && (rel == "test" || rel == "tests" || isVirtualEnv(path))) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(outDir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		st, err := os.Stat(path) // follows a symbolic link
		if err != nil {
			return err
		}
		if st.IsDir() {
			return fmt.Errorf("%s is a symbolic link to a folder: copy the folder or install it with requirements.txt", path)
		}
		if !st.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, st.Mode().Perm()); err != nil {
			return err
		}
		return os.Chmod(dst, st.Mode().Perm()) // WriteFile keeps an existing file's mode
	})
}

// isVirtualEnv is true for a folder python -m venv (or virtualenv) made.
func isVirtualEnv(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil
}
