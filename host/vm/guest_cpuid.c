/* SPDX-License-Identifier: MIT */
#include "guest_cpuid.h"

#include <errno.h>
#include <string.h>

#include "util.h"
#include "x86/cpu.h"

#define CPUID_1_EDX_HTT        (1u << 28)
#define CPUID_TOPO_TYPE_SMT    1u
#define CPUID_TOPO_TYPE_CORE   2u

/* Bits needed to number n things: the x2APIC ID shift of a topology level. */
static uint32_t id_bits(uint32_t n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

static void patch_leaf1(struct kvm_cpuid_entry2 *e, uint32_t apic_id, int ncpus)
{
	uint32_t logical = ncpus > 255 ? 255 : (uint32_t)ncpus;

	e->ebx = (e->ebx & 0x0000FFFF) | (logical << 16) | ((apic_id & 0xFF) << CPUID_1_EBX_APIC_ID_SHIFT);
	e->ecx |= CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE | CPUID_1_ECX_HYPERVISOR;
	e->edx |= CPUID_1_EDX_APIC | CPUID_1_EDX_MCE | CPUID_1_EDX_MCA;
	if (ncpus > 1)
		e->edx |= CPUID_1_EDX_HTT;
	else
		e->edx &= ~CPUID_1_EDX_HTT;
}

/* Leaves 0xB and 0x1F (SDM Vol. 2A, CPUID): one thread per core, all cores in one package. */
static void patch_topology(struct kvm_cpuid_entry2 *e, uint32_t apic_id, int ncpus)
{
	e->edx = apic_id;
	switch (e->index) {
	case 0:
		e->eax = 0;
		e->ebx = 1;
		e->ecx = (CPUID_TOPO_TYPE_SMT << 8) | 0;
		break;
	case 1:
		e->eax = id_bits((uint32_t)ncpus);
		e->ebx = (uint32_t)ncpus;
		e->ecx = (CPUID_TOPO_TYPE_CORE << 8) | 1;
		break;
	default:
		e->eax = e->ebx = 0;
		e->ecx = e->index;
		break;
	}
}

/* Leaf 0's EBX, EDX, ECX spell the vendor; AMD repeats it in leaf 0x80000000, Intel has zeros. */
static void patch_vendor(struct kvm_cpuid_entry2 *e, enum cpu_vendor vendor)
{
	const char *name = vendor == VENDOR_INTEL ? "GenuineIntel" : "AuthenticAMD";

	if (vendor == VENDOR_HOST || (e->function != 0 && e->function != 0x80000000))
		return;
	if (e->function == 0x80000000 && vendor == VENDOR_INTEL) {
		e->ebx = e->ecx = e->edx = 0;
		return;
	}
	memcpy(&e->ebx, name, 4);
	memcpy(&e->edx, name + 4, 4);
	memcpy(&e->ecx, name + 8, 4);
}

struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *supported, uint32_t apic_id, int ncpus,
				  enum cpu_vendor vendor)
{
	size_t size = sizeof(*supported) + supported->nent * sizeof(supported->entries[0]);
	struct kvm_cpuid2 *c = xcalloc(1, size);

	memcpy(c, supported, size);
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		patch_vendor(e, vendor);
		if (e->function == 1)
			patch_leaf1(e, apic_id, ncpus);
		else if (e->function == 0xB || e->function == 0x1F)
			patch_topology(e, apic_id, ncpus);
	}
	return c;
}

/* The bits kvm-unit-tests' x86 test list names (Intel SDM Vol. 2A, CPUID; AMD APM Vol. 3). */
static const struct cpuid_feature features[] = {
	{ "pcid",         1, 0, CPUID_ECX, 17, false },
	{ "x2apic",       1, 0, CPUID_ECX, 21, true },
	{ "tsc-deadline", 1, 0, CPUID_ECX, 24, true },
	{ "invpcid",      7, 0, CPUID_EBX, 10, false },
	{ "umip",         7, 0, CPUID_ECX, 2, false },
	{ "rdtscp",       0x80000001, 0, CPUID_EDX, 27, false },
};

const struct cpuid_feature *cpuid_feature_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		if (!strcmp(name, features[i].name))
			return &features[i];
	return NULL;
}

int cpuid_edits_add(struct cpuid_edits *ed, const struct cpuid_feature *f, bool set)
{
	if (ed->n == CPUID_EDITS_MAX)
		return -ENOSPC;
	ed->e[ed->n].f = f;
	ed->e[ed->n].set = set;
	ed->n++;
	return 0;
}

static struct kvm_cpuid_entry2 *find_entry(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t subleaf)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == leaf &&
		    (c->entries[i].index == subleaf || !(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
			return &c->entries[i];
	return NULL;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, enum cpuid_reg r)
{
	return r == CPUID_EAX ? &e->eax : r == CPUID_EBX ? &e->ebx : r == CPUID_ECX ? &e->ecx : &e->edx;
}

void cpuid_apply_edits(struct kvm_cpuid2 *c, const struct kvm_cpuid2 *supported,
		       const struct cpuid_edits *ed)
{
	for (int i = 0; ed && i < ed->n; i++) {
		const struct cpuid_feature *f = ed->e[i].f;
		struct kvm_cpuid_entry2 *e = find_entry(c, f->leaf, f->subleaf);
		struct kvm_cpuid_entry2 *s = find_entry((struct kvm_cpuid2 *)supported, f->leaf, f->subleaf);
		uint32_t bit = 1u << f->bit;

		if (!e)
			continue;  /* the leaf is absent: the feature reads as clear either way */
		if (!ed->e[i].set)
			*reg_of(e, f->reg) &= ~bit;
		else if (f->provided || (s && (*reg_of(s, f->reg) & bit)))
			*reg_of(e, f->reg) |= bit;
	}
}
