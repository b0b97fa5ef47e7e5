// Who may do what with service vouchers: one predicate per rule, asked by the service methods
// (to refuse) and by the pages (to show or hide a link or a button).

package vouchers

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayManageVoucherSchemes: purchasers create schemes for their place, issue vouchers, approve
// and pay the monthly statements.
func MayManageVoucherSchemes(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser)
}

// MayReadVoucherSchemes: purchasers, hubs and auditors read the schemes of their place;
// community staff those of a place above their community that cover it (to print its sheets);
// a provider those that admit it.
func MayReadVoucherSchemes(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor, gongzhi.RoleCommunity, gongzhi.RoleProvider)
}

// MayReadVouchers: staff read the vouchers of their place, a provider those chosen by or
// redeemed at it, a resident their own and their household's.
func MayReadVouchers(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor, gongzhi.RoleCommunity,
		gongzhi.RoleProvider, gongzhi.RoleResident)
}

// MayPrintVoucherSheets: community staff and purchasers print voucher sheets (each with a new
// one-time PIN) for residents without a phone.
func MayPrintVoucherSheets(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RolePurchaser)
}

// MayHoldVouchers: residents choose a provider for their vouchers, take a new PIN on their
// phone and rate the service a voucher bought.
func MayHoldVouchers(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }

// MayRedeemVouchers: providers redeem vouchers with the resident's PIN.
func MayRedeemVouchers(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleProvider) }

// MayReadVoucherStatements: purchasers, hubs and auditors read the statements of their place's
// schemes, a provider its own.
func MayReadVoucherStatements(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor, gongzhi.RoleProvider)
}

// MayReadVoucherReport: purchasers, hubs and auditors read the vouchers report of their place.
func MayReadVoucherReport(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor)
}
