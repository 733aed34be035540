/* SPDX-License-Identifier: MIT */
/* The GDB stub's untrusted-input paths without KVM: the packet parser fed malformed and hostile
 * byte streams, the bounded hex helpers, --gdb's address parser, the register table against its
 * target.xml, and the guest page walk on tables built in a fake guest RAM. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <x86/msr.h>

#include "gdb.h"
#include "gdb_internal.h"
#include "tap.h"

/* Feed a whole string; the events in order, as letters: P packet, B bad, I interrupt, + ack, - nak. */
static void feed(struct gdb_rx *rx, const char *s, size_t n, char *events, size_t max)
{
	static const char letter[] = { [GDB_RX_PACKET] = 'P', [GDB_RX_BAD] = 'B', [GDB_RX_INTERRUPT] = 'I',
				       [GDB_RX_ACK] = '+', [GDB_RX_NAK] = '-' };
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		enum gdb_rx_event e = gdb_rx_feed(rx, (uint8_t)s[i]);

		if (e != GDB_RX_NONE && k + 1 < max)
			events[k++] = letter[e];
	}
	events[k] = '\0';
}

/* Feed the C string s; the events it causes (feed()'s letters) must be want. */
static void feeds(struct gdb_rx *rx, const char *s, const char *want, const char *what)
{
	char ev[64];

	feed(rx, s, strlen(s), ev, sizeof(ev));
	is_str(ev, want, "%s", what);
}

static void test_framing(void)
{
	struct gdb_rx rx;
	char ev[64], *big;

	gdb_rx_init(&rx);
	feeds(&rx, "$g#67", "P", "a good packet");
	is_str(rx.buf, "g", "its payload");
	feeds(&rx, "$g#68", "B", "wrong checksum");
	feeds(&rx, "$g#zz", "B", "checksum not hex (first digit)");
	feeds(&rx, "$g#6z", "B", "checksum not hex (second digit)");
	feeds(&rx, "+-\x03junk", "+-I", "ack, nak, Ctrl-C between packets; noise ignored");
	feeds(&rx, "$m0,4$g#67", "P", "a '$' restarts the packet");
	is_str(rx.buf, "g", "only the second packet counts");
	feeds(&rx, "$\x03#03", "P", "0x03 inside a packet is data, not Ctrl-C");
	feeds(&rx, "$#00", "P", "the empty packet");
	is_int((long)strlen(rx.buf), 0, "empty payload");
	feed(&rx, "$", 1, ev, sizeof(ev));      /* unterminated, then a new one */
	feeds(&rx, "abc", "", "an unterminated packet is pending, not delivered");
	feeds(&rx, "$g#67", "P", "and the next '$' recovers");

	big = malloc(GDB_PKT_MAX + 16);
	big[0] = '$';
	memset(big + 1, 'm', GDB_PKT_MAX + 5);
	memcpy(big + GDB_PKT_MAX + 6, "#00", 3);
	feed(&rx, big, GDB_PKT_MAX + 9, ev, sizeof(ev));
	is_str(ev, "B", "a packet longer than GDB_PKT_MAX is refused whatever its checksum");
	ok(rx.len <= GDB_PKT_MAX, "and the buffer never grew past its size");
	free(big);

	/* every byte value, in every state: never more than the buffer */
	srand(1);
	for (int i = 0; i < 200000; i++) {
		uint8_t c = (uint8_t)rand();

		if (gdb_rx_feed(&rx, c) == GDB_RX_PACKET && strlen(rx.buf) > GDB_PKT_MAX)
			break;
	}
	ok(rx.len <= GDB_PKT_MAX, "200000 random bytes: buffer bounded");
}

static void test_hex(void)
{
	const char *p;
	uint64_t v = 0;
	uint8_t b[4];
	char out[16];

	p = "1f,";
	ok(gdb_parse_hex(&p, &v) == 0 && v == 0x1f && *p == ',', "hex number stops at ','");
	p = "ffffffffffffffff";
	ok(gdb_parse_hex(&p, &v) == 0 && v == ~0ull, "16 digits");
	p = "10000000000000000";
	is_int(gdb_parse_hex(&p, &v), -EINVAL, "17 digits overflow: refused");
	p = ",";
	is_int(gdb_parse_hex(&p, &v), -EINVAL, "no digits: refused");
	is_int(gdb_hex_decode("0aFf", 4, b, 2), 0, "decode");
	ok(b[0] == 0x0a && b[1] == 0xff, "decoded bytes");
	is_int(gdb_hex_decode("0a", 2, b, 2), -EINVAL, "short input refused");
	is_int(gdb_hex_decode("0g12", 4, b, 2), -EINVAL, "non-hex refused");
	gdb_hex_encode((const uint8_t *)"\x01\xab", 2, out);
	is_str(out, "01ab", "encode");
}

static void test_addr(void)
{
	char host[64];
	int port;
	struct reason why;

	ok(gdb_parse_addr("1234", host, sizeof(host), &port, NULL) == 0 && port == 1234 &&
	   !strcmp(host, "127.0.0.1"), "PORT alone: 127.0.0.1");
	ok(gdb_parse_addr("0.0.0.0:0", host, sizeof(host), &port, NULL) == 0 && port == 0 &&
	   !strcmp(host, "0.0.0.0"), "HOST:0");
	ok(gdb_parse_addr("localhost:9", host, sizeof(host), &port, NULL) == 0 && !strcmp(host, "127.0.0.1"),
	   "localhost");
	is_int(gdb_parse_addr("65536", host, sizeof(host), &port, &why), -EINVAL, "port too big");
	like_str(why.text, "--gdb: '65536' is not [HOST:]PORT", "its reason");
	is_int(gdb_parse_addr("host:", host, sizeof(host), &port, NULL), -EINVAL, "no port");
	is_int(gdb_parse_addr("nosuch.example:1", host, sizeof(host), &port, &why), -EINVAL, "not an address");
}

static void test_regs(void)
{
	static char xml[16384];
	struct gdb_cpu_state st;
	uint8_t v[16];

	for (int a = 0; a < 2; a++) {
		enum gdb_arch arch = a ? GDB_ARCH_I386 : GDB_ARCH_AMD64;
		size_t len = gdb_target_xml(arch, xml, sizeof(xml));
		int n = gdb_reg_count(arch), named = 0;

		ok(len < sizeof(xml), "%s target.xml fits", a ? "i386" : "amd64");
		like_str(xml, "org.gnu.gdb.i386.core", "core feature");
		like_str(xml, "org.gnu.gdb.i386.sse", "sse feature (gdb 13 needs it)");
		for (const char *p = xml; (p = strstr(p, "<reg ")); p++)
			named++;
		is_int(named, n, "one <reg> per table row");
		is_int(gdb_reg_size(arch, n), -EINVAL, "register past the end refused");
		is_int(gdb_reg_get(arch, -1, &st, v), -EINVAL, "negative register refused");
	}
	memset(&st, 0, sizeof(st));
	st.r.rip = 0x1122334455667788ull;
	st.s.efer = EFER_LMA;
	is_int(gdb_reg_get(GDB_ARCH_AMD64, 16, &st, v), 8, "amd64 register 16 is rip, 8 bytes");
	ok(v[0] == 0x88 && v[7] == 0x11, "little-endian");
	is_int(gdb_reg_get(GDB_ARCH_I386, 8, &st, v), 4, "i386 register 8 is eip, 4 bytes");
	memset(v, 0xff, 4);
	gdb_reg_set(GDB_ARCH_I386, 8, &st, v);
	ok(st.r.rip == 0x11223344ffffffffull, "an i386 write keeps the upper half");
	is_int(gdb_reg_set(GDB_ARCH_AMD64, gdb_reg_count(GDB_ARCH_AMD64) - 1, &st, v), -EPERM,
	       "control registers are read-only");
}

static void test_walk(void)
{
	struct guest_mem mem = { calloc(1, 4 << 20), 4 << 20 };
	struct kvm_sregs s = { 0 };
	uint64_t pa, left, e;
	uint8_t buf[8];

	/* long mode: PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000: 2M page at va 0x40000000 -> pa 0x200000;
	 * PT 0x4000 for va 0x40200000 -> pa 0x5000 */
	s.cr0 = 0x80000001;
	s.cr4 = 1 << 5;
	s.efer = EFER_LMA | EFER_LME;
	s.cr3 = 0x1000;
	e = 0x2003; memcpy(mem.hva + 0x1000, &e, 8);
	e = 0x3003; memcpy(mem.hva + 0x2000 + 1 * 8, &e, 8);
	e = 0x200083; memcpy(mem.hva + 0x3000, &e, 8);
	e = 0x4003; memcpy(mem.hva + 0x3000 + 8, &e, 8);
	e = 0x5003; memcpy(mem.hva + 0x4000, &e, 8);
	ok(gdb_translate(&mem, &s, 0x40000123, &pa, &left) == 0 && pa == 0x200123 && left == 0x200000 - 0x123,
	   "2M page");
	ok(gdb_translate(&mem, &s, 0x40200010, &pa, &left) == 0 && pa == 0x5010 && left == 0xff0, "4K page");
	is_int(gdb_translate(&mem, &s, 0x40401000, &pa, &left), -EFAULT, "not present");
	e = 0x7ff0000003ull; memcpy(mem.hva + 0x3000 + 16, &e, 8);   /* a table far outside RAM */
	is_int(gdb_translate(&mem, &s, 0x40400000, &pa, &left), -EFAULT, "a table outside RAM: EFAULT");
	s.cr3 = 0xfffffffff000ull;
	is_int(gdb_translate(&mem, &s, 0, &pa, &left), -EFAULT, "CR3 outside RAM: EFAULT");
	s.cr3 = 0x1000;
	mem.hva[0x200ffe] = 0xaa;
	is_int(gdb_mem_read(&mem, &s, 0x400ffffe, buf, 8), 8, "a read across a 2M page's end continues");
	/* 32-bit paging, 4M page with PSE */
	memset(&s, 0, sizeof(s));
	s.cr0 = 0x80000001;
	s.cr4 = 1 << 4;
	s.cr3 = 0x6000;
	{
		uint32_t e32 = 0x00400083;

		memcpy(mem.hva + 0x6000 + 4 * 1, &e32, 4);
	}
	ok(gdb_translate(&mem, &s, 0x00400010, &pa, &left) == 0 && pa == 0x400010, "32-bit 4M page");
	/* no paging: identity, bounded by RAM */
	s.cr0 = 1;
	is_int(gdb_mem_read(&mem, &s, (4 << 20) - 2, buf, 8), -EFAULT, "a read crossing the end of RAM");
	is_int(gdb_mem_read(&mem, &s, 0x10, buf, 8), 8, "a read in RAM without paging");
	free(mem.hva);
}

int main(void)
{
	test_framing();
	test_hex();
	test_addr();
	test_regs();
	test_walk();
	return done_testing();
}
