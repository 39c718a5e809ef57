// Command mkshim writes bcryptprimitives.dll for a Wine prefix: a 1 KiB
// PE32+ DLL with no code whose single export, ProcessPrng, forwards to
// advapi32.SystemFunction036 (RtlGenRandom). Wine before 9 lacks the DLL,
// which every Go >= 1.22 windows binary loads at start-up (see
// shared/notes/windows.md, "Wine quirks"; mozilla/glean#2823). CI generates it
// at run time so that no binary is committed.
//
// Usage: go run ./.ci/mkshim OUT.dll
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkshim OUT.dll")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], shim(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkshim:", err)
		os.Exit(1)
	}
}

// shim builds the DLL: an MZ header, a PE/COFF header (AMD64, DLL, one
// section, no entry point) and a .rdata section holding only an export
// directory. ProcessPrng's address-table entry points inside the export
// directory, which makes the loader treat it as a forwarder string.
func shim() []byte {
	const (
		fileAlign = 0x200  // section data starts here in the file
		rva       = 0x1000 // ... and here in memory
		dirLen    = 40     // IMAGE_EXPORT_DIRECTORY
	)
	le := binary.LittleEndian
	dll, fn, fwd := "bcryptprimitives.dll\x00", "ProcessPrng\x00", "advapi32.SystemFunction036\x00"
	eat := rva + dirLen // export address table (1 entry)
	npt := eat + 4      // name pointer table (1 entry)
	ot := npt + 4       // ordinal table (1 entry)
	dllRVA := ot + 2
	fnRVA := dllRVA + len(dll)
	fwdRVA := fnRVA + len(fn)
	edataLen := fwdRVA + len(fwd) - rva

	var sec bytes.Buffer
	put := func(b *bytes.Buffer, v ...any) {
		for _, x := range v {
			binary.Write(b, le, x)
		}
	}
	put(&sec, uint32(0), uint32(0), uint16(0), uint16(0), // flags, time, version
		uint32(dllRVA), uint32(1), uint32(1), uint32(1), // name, base, #funcs, #names
		uint32(eat), uint32(npt), uint32(ot),
		uint32(fwdRVA), // EAT[0] points inside the export dir => forwarder
		uint32(fnRVA),  // NPT[0]
		uint16(0))      // OT[0]
	sec.WriteString(dll + fn + fwd)

	var h bytes.Buffer
	dos := make([]byte, 0x40)
	copy(dos, "MZ")
	le.PutUint32(dos[0x3c:], 0x40)
	h.Write(dos)
	h.WriteString("PE\x00\x00")
	put(&h, uint16(0x8664), uint16(1), uint32(0), uint32(0), uint32(0), uint16(240), uint16(0x2022)) // AMD64, 1 section, DLL
	put(&h, uint16(0x20b), uint8(1), uint8(0), uint32(0), uint32(fileAlign), uint32(0),              // PE32+
		uint32(0), uint32(rva), uint64(0x180000000), uint32(0x1000), uint32(fileAlign), // no entry point
		uint16(6), uint16(0), uint16(0), uint16(0), uint16(6), uint16(0), uint32(0),
		uint32(0x2000), uint32(fileAlign), uint32(0), uint16(3), uint16(0x100), // image size, headers, console, NX
		uint64(0x100000), uint64(0x1000), uint64(0x100000), uint64(0x1000), uint32(0), uint32(16))
	put(&h, uint32(rva), uint32(edataLen)) // data directory 0: exports
	h.Write(make([]byte, 15*8))            // other 15 directories empty
	put(&h, [8]byte{'.', 'r', 'd', 'a', 't', 'a'}, uint32(edataLen), uint32(rva), uint32(fileAlign),
		uint32(fileAlign), uint32(0), uint32(0), uint16(0), uint16(0), uint32(0x40000040)) // initialized, readable

	out := make([]byte, 2*fileAlign)
	copy(out, h.Bytes())
	copy(out[fileAlign:], sec.Bytes())
	return out
}
