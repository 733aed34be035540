/* SPDX-License-Identifier: MIT */
/*
 * irqlab-qemu's command line: what each accepted QEMU option sets in struct opts, the -cpu
 * feature edits, and the one-line refusals (their "-opt value: " prefix included); then the
 * RTC's register formats and pc-testdev's data register, which the runs cannot see in detail.
 */
#include <errno.h>
#include <string.h>

#include "pc_testdev.h"
#include "qemu_cli.h"
#include "rtc.h"
#include "tap.h"

static struct opts o;
static struct qemu_cli q;
static struct reason why;

/* Parse "prog a b c..." (space-separated, no quoting). */
static int parse(const char *line)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "irqlab-qemu %s", line);
	for (char *s = buf, *save = NULL, *t; (t = strtok_r(s, " ", &save)) && argc < 63; s = NULL)
		argv[argc++] = t;
	argv[argc] = NULL;
	why.text[0] = '\0';
	return qemu_cli_parse(argc, argv, &o, &q, &why);
}

static bool edited(const char *name, bool set)
{
	bool found = false, last = false;

	for (int i = 0; i < o.cpuid_edits.n; i++)
		if (!strcmp(o.cpuid_edits.e[i].f->name, name)) {
			found = true;
			last = o.cpuid_edits.e[i].set;
		}
	return found && last == set;
}

static void test_accepted(void)
{
	is_int(parse("--no-reboot -nodefaults -device pc-testdev -device isa-debug-exit,iobase=0xf4,iosize=0x4 "
		     "-vnc none -serial stdio -machine accel=kvm -kernel k.flat -smp 2 -initrd env"), 0, "the runner's line");
	ok(o.boot && o.qemu && o.qemu_status && o.pc_testdev && o.debug_exit, "boot, QEMU statuses, both devices");
	ok(o.cpus == 2 && !strcmp(o.image, "k.flat") && !strcmp(o.initrd, "env") && !strcmp(o.serial, "-"),
	   "cpus, kernel, initrd, serial stdio");
	ok(o.timeout_s == 0 && o.mem_size == 128ull << 20, "no timeout of its own (timeout(1) wraps it), 128M");
	ok(edited("tsc-deadline", false) && edited("pcid", false), "no -cpu: QEMU's default model, qemu64");
	is_int(parse("-kernel k -smp cpus=3,maxcpus=3 -m 256 -M pc,kernel_irqchip=split,pit=off"), 0, "smp/m/M forms");
	ok(o.cpus == 3 && o.mem_size == 256ull << 20 && o.split_irqchip, "3 CPUs, 256 MiB, split irqchip");
	is_int(parse("-kernel k -m size=1G -global kvm-pit.lost_tick_policy=discard -enable-kvm -accel kvm"), 0,
	       "-m size=, -global, -enable-kvm, -accel kvm");
	ok(o.mem_size == 1ull << 30 && !strcmp(o.serial, "none") && !o.debug_exit, "1 GiB, no serial, no debug-exit");
	ok(qemu_cli_named("/usr/bin/irqlab-qemu") && qemu_cli_named("shim/qemu-system-x86_64") &&
	   qemu_cli_named("qemu-kvm"), "argv[0] irqlab-qemu, qemu-system-x86_64, qemu-kvm: QEMU's line");
	ok(!qemu_cli_named("build/host/irqlab") && !qemu_cli_named("irqlab-qemu-x"), "irqlab and others: not");
	is_int(parse("--device help"), 0, "--device help");
	ok(q.device_help, "asks for the device list");
}

static void test_cpu(void)
{
	is_int(parse("-kernel k -cpu qemu64,+x2apic,+tsc-deadline"), 0, "qemu64,+x2apic,+tsc-deadline");
	ok(edited("tsc-deadline", true) && edited("x2apic", true) && edited("pcid", false), "qemu64 lacks pcid; +feats win");
	is_int(parse("-kernel k -cpu max,-pcid,invpcid=off,umip=on,vendor=GenuineIntel"), 0, "max with -f, f=off, f=on");
	ok(edited("pcid", false) && edited("invpcid", false) && edited("umip", true) && o.vendor == VENDOR_INTEL,
	   "edits and vendor");
	is_int(parse("-kernel k -cpu host -cpu host,migratable=no"), 0, "a second -cpu");
	is_int(o.cpuid_edits.n, 0, "replaces the first");
}

static void refused(const char *line, const char *want)
{
	is_int(parse(line), -EINVAL, "refused: %s", line);
	like_str(why.text, want, "  why");
}

static void test_refused(void)
{
	refused("-kernel k -device edu", "-device edu: 'edu' is not a device");
	refused("-kernel k -device pci-testdev", "-device pci-testdev: 'pci-testdev' is not a device");
	refused("-kernel k -M q35", "-M q35: machine type 'q35'");
	refused("-kernel k -machine vmport=on", "-machine vmport=on: machine property 'vmport=on'");
	refused("-kernel k -cpu Haswell", "-cpu Haswell: CPU model 'Haswell'");
	refused("-kernel k -cpu qemu64,+vmx", "CPU feature 'vmx'");
	refused("-kernel k -cpu qemu64,+x2apic=on", "not a feature setting");
	refused("-kernel k -cpu max,vendor=Foo", "vendor 'Foo'");
	refused("-kernel k -device isa-debug-exit,iobase=0x501", "'iobase=0x501' is not provided");
	refused("-kernel k -smp 2,maxcpus=4", "no CPU hotplug");
	refused("-kernel k -smp 2,sockets=2", "'sockets=2' is not provided");
	refused("-kernel k -m 4G", "-m 4G: irqlab provides 4M to 3G");
	refused("-kernel k -accel tcg", "-accel tcg: accelerator 'tcg'");
	refused("-kernel k -serial stdio -serial stdio", "only one serial port");
	refused("-kernel k -display sdl", "-display sdl: irqlab-qemu has no display");
	refused("-kernel k -frobnicate", "-frobnicate: invalid option");
	refused("-kernel", "-kernel: requires an argument");
	refused("disk.img", "disk.img: disk images are not provided");
	refused("-smp 2", "no -kernel given");
}

static void test_rtc(void)
{
	struct rtc r;
	uint32_t v;

	rtc_init(&r, 128ull << 20);
	rtc_io(&r, RTC_PORT_INDEX, true, &(uint32_t){ RTC_REG_B | 0x80 });   /* NMI bit is not index */
	rtc_io(&r, RTC_PORT_DATA, false, &v);
	is_int(v, RTC_B_24H, "status B: 24-hour BCD");
	rtc_io(&r, RTC_PORT_INDEX, true, &(uint32_t){ RTC_REG_HOURS });
	rtc_io(&r, RTC_PORT_DATA, true, &(uint32_t){ 0x23 });               /* 23:xx BCD */
	rtc_io(&r, RTC_PORT_DATA, false, &v);
	is_int(v, 0x23, "a written hour reads back (the clock moved by an offset)");
	rtc_io(&r, RTC_PORT_INDEX, true, &(uint32_t){ RTC_REG_B });
	rtc_io(&r, RTC_PORT_DATA, true, &(uint32_t){ RTC_B_BINARY });        /* 12-hour, binary */
	rtc_io(&r, RTC_PORT_INDEX, true, &(uint32_t){ RTC_REG_HOURS });
	rtc_io(&r, RTC_PORT_DATA, false, &v);
	is_int(v, 0x80 | 11, "23h in 12-hour binary: PM | 11");
	rtc_io(&r, RTC_PORT_INDEX, true, &(uint32_t){ 0x34 });
	rtc_io(&r, RTC_PORT_DATA, false, &v);
	is_int(v, ((128 - 16) * 16) & 0xFF, "CMOS 0x34: 64 KiB blocks above 16 MiB");
	rtc_io(&r, RTC_PORT_INDEX, false, &v);
	is_int(v, 0xFF, "port 0x70 reads all-ones");
}

static void test_testdev(void)
{
	static struct pc_testdev t;
	uint32_t v = 0x11223344;
	uint8_t mem[4] = { 1, 2, 3, 4 }, back[4];

	pc_testdev_init(&t, NULL, NULL, NULL);
	pc_testdev_pio(&t, PC_TESTDEV_PORT_DATA, true, 4, &v);
	pc_testdev_pio(&t, PC_TESTDEV_PORT_DATA + 2, false, 2, &v);
	is_int(v, 0x1122, "a 16-bit read at 0xE2");
	v = 0xAB;
	pc_testdev_pio(&t, PC_TESTDEV_PORT_DATA_BYTE + 3, true, 1, &v);
	pc_testdev_pio(&t, PC_TESTDEV_PORT_DATA, false, 4, &v);
	is_int(v, 0xAB223344, "a byte write at 0xEB");
	pc_testdev_mmio(&t, 0xFFFE, true, mem, 2);
	pc_testdev_mmio(&t, 0xFFFE, false, back, 2);
	ok(back[0] == 1 && back[1] == 2, "iomem keeps what was written");
	pc_testdev_mmio(&t, 0xFFFF, false, back, 4);
	is_int(back[3], 0xFF, "an access past the window reads all-ones");
}

/* The edits on a hand-made table: +feat only where KVM supports it or irqlab provides it. */
static void test_cpuid_edits(void)
{
	struct { struct kvm_cpuid2 h; struct kvm_cpuid_entry2 e[2]; } sup = { .h = { .nent = 2 } }, tab;
	struct cpuid_edits ed = { 0 };

	sup.e[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = 1u << 17 };               /* pcid */
	sup.e[1] = (struct kvm_cpuid_entry2){ .function = 7, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX };
	tab = sup;
	tab.e[0].ecx = 1u << 21;                                                              /* x2apic */
	cpuid_edits_add(&ed, cpuid_feature_find("pcid"), true);
	cpuid_edits_add(&ed, cpuid_feature_find("invpcid"), true);
	cpuid_edits_add(&ed, cpuid_feature_find("tsc-deadline"), true);
	cpuid_edits_add(&ed, cpuid_feature_find("x2apic"), false);
	cpuid_apply_edits(&tab.h, &sup.h, &ed);
	is_int(tab.e[0].ecx, (1u << 17) | (1u << 24), "+pcid (supported), +tsc-deadline (provided), -x2apic");
	is_int(tab.e[1].ebx, 0, "+invpcid stays clear: KVM does not offer it");
	ok(!cpuid_feature_find("vmx"), "vmx is not a feature irqlab-qemu knows");
}

int main(void)
{
	plan(69);
	test_accepted();
	test_cpu();
	test_refused();
	test_rtc();
	test_testdev();
	test_cpuid_edits();
	return done_testing();
}
