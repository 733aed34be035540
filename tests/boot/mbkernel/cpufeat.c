/* SPDX-License-Identifier: MIT */
/* `has=NAME` and `lacks=NAME` arguments: the CPUID feature bits QEMU's -cpu MODEL,+feat,-feat
 * names, as the kernel sees them (for irqlab-qemu's -cpu mapping). */
#include "mbk.h"

struct feature {
	const char *name;
	uint32_t leaf, reg, bit;   /* reg: 0 EAX, 1 EBX, 2 ECX, 3 EDX */
};

static const struct feature features[] = {
	{ "pcid", 1, 2, 17 }, { "x2apic", 1, 2, 21 }, { "tsc-deadline", 1, 2, 24 },
	{ "invpcid", 7, 1, 10 }, { "umip", 7, 2, 2 }, { "rdtscp", 0x80000001, 3, 27 },
};

static bool feature_set(const struct feature *f)
{
	uint32_t r[4], max;

	__asm__ volatile("cpuid" : "=a"(max), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(f->leaf & 0x80000000), "c"(0));
	if (f->leaf > max)
		return false;
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(f->leaf), "c"(0));
	return (r[f->reg] >> f->bit) & 1;
}

/* One has=/lacks= word: true if it holds; an unknown name fails. */
static bool holds(const char *word)
{
	bool want = has_prefix(word, "has=");
	const char *name = word + (want ? 4 : 6);

	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (!strcmp(name, features[i].name))
			return feature_set(&features[i]) == want;
	return false;
}

void check_cpu_features(const struct boot *b)
{
	int n = 0;
	bool ok = true;

	for (int i = 1; i < b->argc; i++) {
		if (!has_prefix(b->argv[i], "has=") && !has_prefix(b->argv[i], "lacks="))
			continue;
		n++;
		if (!holds(b->argv[i])) {
			ok = false;
			puts("# not so: ");
			puts(b->argv[i]);
			putc('\n');
		}
	}
	if (!n)
		tap_skip("cpu features", "no has= or lacks=");
	else
		tap_ok(ok, "cpu features");
}
