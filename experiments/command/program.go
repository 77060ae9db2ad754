package command

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// ErrNotExecutable marks a program exec would refuse (CheckProgram).
var ErrNotExecutable = errors.New("not executable")

// CheckProgram reports why exec would refuse the program at path, without
// running it: it is missing, a directory or not a regular file; it lacks
// execute permission, or its file system is mounted noexec; it starts
// with #! but names no interpreter, or one exec would refuse (checked the
// same way, relative to dir as the kernel resolves it); it is an ELF
// binary for another architecture or that needs a loader this machine
// lacks (PT_INTERP: built for another libc); it is neither an ELF binary
// nor a #! script (exec format error). Where the machine may run other
// formats (binfmt_misc handlers: qemu, Java, …), the format is not
// judged. A nil error does not promise the program works, only that exec
// will start it. Errors other than a missing file wrap ErrNotExecutable.
func CheckProgram(path, dir string) error {
	return checkProgram(path, dir, 0)
}

// maxInterpDepth is the kernel's limit on nested #! interpreters.
const maxInterpDepth = 4

func checkProgram(path, dir string, depth int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrNotExecutable}, args...)...)
	}
	p := path
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	case err != nil:
		return bad("%v", err)
	case st.IsDir():
		return bad("%s is a directory", p)
	case !st.Mode().IsRegular():
		return bad("%s is not a regular file (%s)", p, st.Mode().Type())
	}
	if !executable(p, st) {
		return bad("%s has no execute permission (chmod +x %s)", p, p)
	}
	if noexecMount(p) {
		return bad("%s is on a file system mounted noexec", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil // execute-only: exec may still run it; nothing more to tell
	}
	defer f.Close()           // read-only
	head := make([]byte, 256) // the kernel's BINPRM_BUF_SIZE
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("#!")):
		return checkShebang(head, p, dir, depth, bad)
	case bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		if otherFormats() {
			return nil
		}
		return checkELF(f, p, bad)
	}
	if otherFormats() {
		return nil
	}
	return bad("%s is neither a binary (ELF) nor a script starting with #! (exec would say: exec format error)", p)
}

// checkShebang checks the interpreter that the #! line of head (the
// first bytes of the script p) names, as checkProgram does (depth: the
// script's own nesting).
func checkShebang(head []byte, p, dir string, depth int, bad func(string, ...any) error) error {
	line := head[2:]
	eol := bytes.IndexByte(line, '\n')
	if eol >= 0 {
		line = line[:eol]
	}
	line = bytes.TrimLeft(line, " \t")
	end := bytes.IndexAny(line, " \t")
	if end < 0 {
		end = len(line)
		if eol < 0 && len(head) == 256 {
			return bad("%s: its #! line is longer than 256 bytes", p)
		}
	}
	interp := string(line[:end])
	if interp == "" {
		return bad("%s: its #! line names no interpreter", p)
	}
	if depth+1 >= maxInterpDepth {
		return bad("%s: more than %d nested #! interpreters", p, maxInterpDepth)
	}
	if err := checkProgram(interp, dir, depth+1); err != nil {
		return bad("%s: its #! interpreter %s: %v", p, interp, unwrapNotExec(err))
	}
	return nil
}

// unwrapNotExec drops ErrNotExecutable's prefix from a nested error.
func unwrapNotExec(err error) string {
	s := err.Error()
	if errors.Is(err, ErrNotExecutable) {
		s = s[len(ErrNotExecutable.Error())+2:]
	} else if errors.Is(err, fs.ErrNotExist) {
		s = "not found"
	}
	return s
}

// elfMachines maps GOARCH to the ELF machines its kernel runs (the
// compat 32-bit one included, which most kernels enable).
var elfMachines = map[string][]elf.Machine{
	"amd64":   {elf.EM_X86_64, elf.EM_386},
	"386":     {elf.EM_386},
	"arm64":   {elf.EM_AARCH64, elf.EM_ARM},
	"arm":     {elf.EM_ARM},
	"riscv64": {elf.EM_RISCV},
	"ppc64le": {elf.EM_PPC64},
	"ppc64":   {elf.EM_PPC64},
	"s390x":   {elf.EM_S390},
	"loong64": {elf.EM_LOONGARCH},
	"mips64":  {elf.EM_MIPS},
}

// checkELF checks an ELF file's type, machine and loader.
func checkELF(f *os.File, p string, bad func(string, ...any) error) error {
	ef, err := elf.NewFile(f)
	if err != nil {
		return bad("%s: not a valid ELF binary (%v)", p, err)
	}
	if ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		return bad("%s is an ELF %s, not a program", p, ef.Type)
	}
	if ms, known := elfMachines[runtime.GOARCH]; known {
		ok := false
		for _, m := range ms {
			ok = ok || ef.Machine == m
		}
		if !ok {
			return bad("%s is a binary for another processor (%s; this machine is %s/%s; exec would say: exec format error)", p, ef.Machine, runtime.GOOS, runtime.GOARCH)
		}
	}
	for _, prog := range ef.Progs {
		if prog.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(prog.Open(), 4096))
		if err != nil {
			return bad("%s: unreadable loader name (%v)", p, err)
		}
		loader := string(bytes.TrimRight(b, "\x00"))
		if _, err := os.Stat(loader); err != nil {
			return bad("%s needs the loader %s, which this machine does not have (built for another libc or system?; exec would say: no such file or directory)", p, loader)
		}
	}
	return nil
}

// executable reports whether this process may execute p: access(2) with
// X_OK, which knows root's rule (any x bit) and ACLs.
func executable(p string, st fs.FileInfo) bool {
	if err := syscall.Access(p, 1); err != nil { // X_OK
		return false
	}
	return st.Mode().Perm()&0o111 != 0
}
