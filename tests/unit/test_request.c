/* SPDX-License-Identifier: MIT */
/* Guest requests checked before anything reaches KVM: MSI address/data (irq_msi_check), machine
 * check requests (mce_check on a hand-made VM), --inject-mce specs (mce_parse_spec), and
 * req_serve's answers: -PV_ENOSYS without a VM, -PV_EINVAL plus a `# host: refused`
 * line for a refused request, after which the run goes on. The hand-made VM has no KVM behind
 * it (fd -1, no routes, idle vCPUs): a request that got past its checks would come back as
 * something other than -PV_EINVAL, or crash the test. */
#include <errno.h>
#include <string.h>

#include "irq.h"
#include "mce.h"
#include "pvfix.h"
#include "request.h"
#include "tap.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define VAL (1ull << 63)

/* irq_msi_check's verdict as text: NULL when accepted, else its reason. */
static const char *msi_check(uint64_t addr, uint32_t data)
{
	static struct reason why;

	return irq_msi_check(addr, data, &why) < 0 ? why.text : NULL;
}

static void test_msi_check(void)
{
	static const uint32_t good_dm[] = { 0, 1, 2, 4, 5, 7 };
	bool all_good = true;

	ok(msi_check(0xFEE00000, 0x30) == NULL, "MSI 0xFEE00000/0x30 accepted");
	ok(msi_check(0xFEEFF00C, 0xC131) == NULL, "MSI with destination, RH, DM and level bits accepted");
	for (size_t i = 0; i < sizeof(good_dm) / sizeof(good_dm[0]); i++)
		all_good &= msi_check(0xFEE01000, good_dm[i] << 8 | 0x40) == NULL;
	ok(all_good, "delivery modes 0, 1, 2, 4, 5, 7 accepted");
	like_str(msi_check(0x1FEE00000ull, 0x30), "not 0xFEExxxxx", "address bits above 31 refused");
	like_str(msi_check(0xFEE0000000000000ull, 0x30), "not 0xFEExxxxx", "address 0xFEE in the upper dword refused");
	like_str(msi_check(0xFED00000, 0x30), "not 0xFEExxxxx", "address 0xFEDxxxxx refused");
	like_str(msi_check(0xFEF00000, 0x30), "not 0xFEExxxxx", "address 0xFEFxxxxx refused");
	like_str(msi_check(0, 0x30), "not 0xFEExxxxx", "address 0 refused");
	like_str(msi_check(0xFEE00000, 0x330), "reserved delivery mode", "delivery mode 3 refused");
	like_str(msi_check(0xFEE00000, 0x630), "reserved delivery mode", "delivery mode 6 refused");
	like_str(msi_check(0xFEE00000, 0x10030), "above 15", "data bit 16 refused");
	like_str(msi_check(0xFEE00000, 0x80000030), "above 15", "data bit 31 refused");
}

/* Only what mce_check reads: the vCPU and bank counts. */
static struct vm mce_vm(int ncpus, int banks)
{
	return (struct vm){ .fd = -1, .ncpus = ncpus, .mce_banks = banks };
}

static const char *check_mce(int ncpus, int banks, uint32_t cpu, uint32_t bank, uint64_t status)
{
	struct vm vm = mce_vm(ncpus, banks);
	struct mce_inject m = { .cpu = cpu, .bank = bank, .status = status };

	static struct reason why;

	return mce_check(&vm, &m, &why) < 0 ? why.text : NULL;
}

static void test_mce_check(void)
{
	ok(check_mce(4, 10, 3, 9, VAL | 0x135) == NULL, "last CPU, last bank, VAL: accepted");
	ok(check_mce(1, 1, 0, 0, VAL) == NULL, "one CPU, one bank: cpu 0 bank 0 accepted");
	like_str(check_mce(4, 10, 4, 0, VAL), "target CPU out of range", "cpu = ncpus refused");
	like_str(check_mce(4, 10, 0xFFFFFFFFu, 0, VAL), "target CPU out of range", "cpu 0xFFFFFFFF refused");
	like_str(check_mce(4, 10, 0, 10, VAL), "bank out of range", "bank = banks refused");
	like_str(check_mce(4, 32, 0, 0xFFFFFFFFu, VAL), "bank out of range", "bank 0xFFFFFFFF refused");
	like_str(check_mce(4, 10, 0, 0, VAL - 1), "without VAL", "status without bit 63 refused");
	like_str(check_mce(4, 10, 0, 0, 0), "without VAL", "status 0 refused");
	like_str(check_mce(4, 0, 0, 0, VAL), "not set up", "no banks (--mce-banks 0): refused");
}

static int parse(const char *spec, struct mce_spec *s, char *err)
{
	struct reason why = { "(none)" };
	int r = mce_parse_spec(spec, s, &why);

	strcpy(err, why.text);
	return r;
}

static void test_parse_spec(void)
{
	struct mce_spec s;
	char err[256];

	is_int(parse("cpu=2,bank=0x1f,status=0xbd00000000000135,addr=0x1234000,misc=0101,mcg=0x5,after=250",
		     &s, err), 0, "spec with every key parses");
	ok(s.m.cpu == 2 && s.m.bank == 31 && s.m.status == 0xBD00000000000135ull, "cpu, bank (hex), status");
	ok(s.m.addr == 0x1234000 && s.m.misc == 65 && s.m.mcg_status == 5, "addr, misc (octal 0101 = 65), mcg");
	is_int(s.after_ms, 250, "after = 250 ms");
	is_int(parse("status=0x8000000000000000,bank=3,cpu=0", &s, err), 0, "keys in any order; optional keys left out");
	ok(s.m.addr == 0 && s.m.misc == 0 && s.m.mcg_status == 0 && s.after_ms == 0, "left-out keys are 0");
	is_int(parse("cpu=0xffffffff,bank=0,status=1,after=4294967295", &s, err), 0, "cpu and after at 2^32-1 parse");
	ok(s.m.cpu == 0xFFFFFFFFu && s.after_ms == 4294967295u, "values at 2^32-1 kept");
}

#define REQUIRED "--inject-mce: cpu, bank and status are required"

static const struct { const char *spec, *why; } bad_specs[] = {
	{ "cpu=1,bank=2", REQUIRED },
	{ "bank=2,status=1", REQUIRED },
	{ "cpu=1,status=1", REQUIRED },
	{ "", REQUIRED },
	{ "cpu=0,bank=0,status=1,foo=2", "bad field 'foo=2' (keys: cpu bank status addr misc mcg after)" },
	{ "cpu=0x100000000,bank=0,status=1", "bad field 'cpu=0x100000000'" },
	{ "cpu=0,bank=0x100000000,status=1", "bad field 'bank=0x100000000'" },
	{ "cpu=0,bank=0,status=1,after=4294967296", "bad field 'after=4294967296'" },
	{ "cpu=0,bank=0,status=0x1ffffffffffffffff", "bad field 'status=0x1ffffffffffffffff'" },
	{ "cpu=0,bank=0,status=12z", "bad field 'status=12z'" },
	{ "cpu=0,bank=0,status=", "bad field 'status='" },
	{ "cpu=0,bank,status=1", "--inject-mce: 'bank' is not key=value" },
};

static void test_parse_spec_errors(void)
{
	struct mce_spec s;
	char err[256], longspec[600];

	for (size_t i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		is_int(parse(bad_specs[i].spec, &s, err), -EINVAL, "bad spec '%s': error", bad_specs[i].spec);
		like_str(err, bad_specs[i].why, "bad spec '%s': says why", bad_specs[i].spec);
	}
	memset(longspec, 'x', sizeof(longspec) - 1);
	longspec[sizeof(longspec) - 1] = '\0';
	memcpy(longspec, "cpu=0,bank=0,status=1,", 22);
	is_int(parse(longspec, &s, err), -EINVAL, "599-character spec: error");
	is_str(err, "--inject-mce: spec longer than 511 characters", "overlong spec: message");
}

static struct pvfix fx;
static struct vcpu vcpus[2];

/* Send REQUEST `req` with arg1..arg3 from cpu 0; the reply is read from the block. */
static int request(uint64_t req, uint64_t a1, uint64_t a2, uint64_t a3, enum pv_action *act)
{
	struct pv_msg *m = fix_msg(&fx, FIX_MSG, PV_CMD_REQUEST, req, NULL, NULL);

	m->arg[1] = a1;
	m->arg[2] = a2;
	m->arg[3] = a3;
	*act = fix_out(&fx, FIX_MSG);
	return m->ret;
}

static void test_dispatch_without_vm(void)
{
	uint64_t arg[PV_ARGS] = { PV_REQ_NOP };
	struct reason why = { "" };

	fix_init(&fx, FMT_KTAP);
	is_int(req_serve(NULL, 0, arg, &why), 0, "no VM: NOP answers 0");
	arg[0] = PV_REQ_MCE_INJECT;
	is_int(req_serve(NULL, 0, arg, &why), -PV_ENOSYS, "no VM: MCE injection is -PV_ENOSYS");
	arg[0] = PV_REQ_MSI_SIGNAL;
	is_int(req_serve(NULL, 0, arg, &why), -PV_ENOSYS, "no VM: MSI signal is -PV_ENOSYS");
	arg[0] = PV_REQ_COUNT;
	is_int(req_serve(NULL, 0, arg, &why), -PV_ENOSYS, "request PV_REQ_COUNT is -PV_ENOSYS");
	is_str(fix_output(&fx), "", "no VM: nothing printed");
	fix_free(&fx);
}

struct refusal {
	uint64_t req, a1, a2, a3;
	const char *line;
};

static const struct refusal refusals[] = {
	{ PV_REQ_MSI_SIGNAL, 0xFED00000, 0x30, 0, "host: refused MSI: MSI address is not 0xFEExxxxx" },
	{ PV_REQ_MSI_SIGNAL, 0xFEE00000, 0x330, 0, "host: refused MSI: MSI data has a reserved delivery mode" },
	{ PV_REQ_MSI_SIGNAL, 0xFEE00000, 0x10030, 0, "host: refused MSI: MSI data has bits above 15 set" },
	{ PV_REQ_MSI_SIGNAL, 0xFEE00000, 0x100000030ull, 0, "host: refused MSI: data wider than 16 bits" },
	{ PV_REQ_MSI_ROUTE, 23, 0xFEE00000, 0x30, "host: refused MSI route: GSI outside 24..255 (0-23 are IOAPIC pins)" },
	{ PV_REQ_MSI_ROUTE, 256, 0xFEE00000, 0x30, "host: refused MSI route: GSI outside 24..255 (0-23 are IOAPIC pins)" },
	{ PV_REQ_MSI_ROUTE, 30, 0xFEE00000, 0x630, "host: refused MSI route: MSI data has a reserved delivery mode" },
	{ PV_REQ_IRQ_LINE, 256, 1, 0, "host: refused IRQ line: GSI above 255 or level not 0/1" },
	{ PV_REQ_IRQ_LINE, 5, 2, 0, "host: refused IRQ line: GSI above 255 or level not 0/1" },
	{ PV_REQ_IRQFD, 256, 0, 0, "host: refused irqfd: GSI above 255" },
	{ PV_REQ_MCE_INJECT, 0, VAL, 0, "host: refused MCE injection: machine checks are not set up (--mce-banks 0)" },
};

/* Each refusal: -PV_EINVAL, the run continues, and its `# host: refused` line is all that is
 * printed (after the KTAP version line the first output brings). */
static void test_refusals(void)
{
	struct vm vm = mce_vm(2, 0);

	vm.vcpus = vcpus;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		enum pv_action act;
		char want[256];

		fix_init(&fx, FMT_KTAP);
		fx.session.req = &req_ops;
		fx.session.req_opaque = &vm;
		snprintf(want, sizeof(want), "KTAP version 1\n# %s\n", r->line);
		is_int(request(r->req, r->a1, r->a2, r->a3, &act), -PV_EINVAL, "refused (%s): -PV_EINVAL", r->line);
		is_int(act, PV_CONTINUE, "refused (%s): the run goes on", r->line);
		is_str(fix_output(&fx), want, "refused (%s): exactly its line printed", r->line);
		fix_free(&fx);
	}
}

static void test_mce_refusals(void)
{
	struct vm vm = mce_vm(2, 10);
	enum pv_action act;

	vm.vcpus = vcpus;
	fix_init(&fx, FMT_KTAP);
	fx.session.req = &req_ops;
	fx.session.req_opaque = &vm;
	is_int(request(PV_REQ_MCE_INJECT, 2, VAL, 0, &act), -PV_EINVAL, "MCE to cpu 2 of 2: -PV_EINVAL");
	is_int(request(PV_REQ_MCE_INJECT, 1 | 10ull << 32, VAL, 0, &act), -PV_EINVAL, "MCE to bank 10 of 10: -PV_EINVAL");
	is_int(request(PV_REQ_MCE_INJECT, 1 | 9ull << 32, 0x135, 0, &act), -PV_EINVAL, "MCE without VAL: -PV_EINVAL");
	is_int(request(PV_REQ_NOP, 0, 0, 0, &act), 0, "NOP with a VM answers 0");
	is_str(fix_output(&fx), "KTAP version 1\n"
	       "# host: refused MCE injection: target CPU out of range\n"
	       "# host: refused MCE injection: bank out of range\n"
	       "# host: refused MCE injection: MCi_STATUS without VAL (bit 63)\n",
	       "the three MCE refusals, one line each, in order");
	fix_free(&fx);
}

int main(void)
{
	test_msi_check();
	test_mce_check();
	test_parse_spec();
	test_parse_spec_errors();
	test_dispatch_without_vm();
	test_refusals();
	test_mce_refusals();
	return done_testing();
}
