package auth

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// The pool's own settings, one step each: sign-in, attributes, password, feature plan, email, MFA,
// verification, account recovery and removal. They only check props and build the pool's props;
// NewUserPool creates the pool from them.

// poolProps runs the setting steps in order (each reports its own problems) and returns the pool's props.
func (b *poolBuild) poolProps() *awscognito.UserPoolProps {
	b.signIn()
	std := b.standardAttributes()
	custom := b.customAttributes()
	password := b.passwordPolicy()
	plan := b.featurePlan()
	email := b.emailSender()
	mfa, second := b.mfa(email, plan)
	verifyEmail, verifyPhone := b.verifiedAttributes()
	recovery := b.accountRecovery()
	b.removal = b.removalPolicy()
	props := &awscognito.UserPoolProps{
		SignInAliases:       &awscognito.SignInAliases{Username: jsii.Bool(b.username), Email: jsii.Bool(b.email), Phone: jsii.Bool(b.phone)},
		AutoVerify:          &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(verifyEmail), Phone: jsii.Bool(verifyPhone)},
		KeepOriginal:        keepOriginal(verifyEmail, verifyPhone),
		SignInCaseSensitive: jsii.Bool(false),
		SelfSignUpEnabled:   jsii.Bool(b.p.SelfSignUp),
		StandardAttributes:  std,
		PasswordPolicy:      password,
		Mfa:                 mfa,
		MfaSecondFactor:     second,
		AccountRecovery:     recovery,
		FeaturePlan:         plan,
		RemovalPolicy:       b.removal,
		DeletionProtection:  jsii.Bool(b.removal != awscdk.RemovalPolicy_DESTROY),
		Email:               email,
	}
	if len(custom) > 0 {
		props.CustomAttributes = &custom
	}
	applyPasswordless(props, b.p.Passwordless, b.errorf)
	return props
}

// signIn sets which of email, phone and username users sign in with (email when none).
func (b *poolBuild) signIn() {
	signIn := b.p.SignInWith
	if len(signIn) == 0 {
		signIn = []SignIn{SignInEmail}
	}
	for _, s := range signIn {
		switch s {
		case SignInEmail:
			b.email = true
		case SignInPhone:
			b.phone = true
		case SignInUsername:
			b.username = true
		default:
			b.errorf("auth: unknown sign-in method %q (want email, phone or username)", s)
		}
	}
	if !b.email && !b.phone && !b.username {
		b.email = true
	}
}

// standardAttrSetters sets a Cognito standard attribute (awsrules.StandardAttributes, by its Cognito
// name) on CDK's struct, whose field names differ (name is Fullname, picture ProfilePicture ...).
var standardAttrSetters = map[string]func(*awscognito.StandardAttributes, *awscognito.StandardAttribute){
	"address":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Address = a },
	"birthdate":          func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Birthdate = a },
	"email":              func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Email = a },
	"family_name":        func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.FamilyName = a },
	"gender":             func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Gender = a },
	"given_name":         func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.GivenName = a },
	"locale":             func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Locale = a },
	"middle_name":        func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.MiddleName = a },
	"name":               func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Fullname = a },
	"nickname":           func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Nickname = a },
	"phone_number":       func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.PhoneNumber = a },
	"picture":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.ProfilePicture = a },
	"preferred_username": func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.PreferredUsername = a },
	"profile":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.ProfilePage = a },
	"updated_at":         func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.LastUpdateTime = a },
	"website":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Website = a },
	"zoneinfo":           func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Timezone = a },
}

// standardAttributes declares the standard attributes and records whether each is mutable.
func (b *poolBuild) standardAttributes() *awscognito.StandardAttributes {
	std := &awscognito.StandardAttributes{}
	b.attrMutable = map[string]bool{}
	for _, a := range b.p.StandardAttributes {
		if !awsrules.IsStandardAttribute(a.Name) {
			b.errorf("auth: unknown standard attribute %q (use Cognito names such as email, phone_number, given_name)", a.Name)
			continue
		}
		if _, dup := b.attrMutable[a.Name]; dup {
			b.errorf("auth: standard attribute %q listed twice", a.Name)
			continue
		}
		b.attrMutable[a.Name] = a.Mutable
		standardAttrSetters[a.Name](std, &awscognito.StandardAttribute{Required: jsii.Bool(a.Required), Mutable: jsii.Bool(a.Mutable)})
	}
	return std
}

// customAttributes declares the custom attributes (by name without "custom:") and records whether
// each is mutable, as custom:NAME, for the provider mapping check.
func (b *poolBuild) customAttributes() map[string]awscognito.ICustomAttribute {
	custom := map[string]awscognito.ICustomAttribute{}
	for _, a := range b.p.CustomAttributes {
		if strings.HasPrefix(a.Name, "custom:") || !awsrules.CustomAttributeNamePattern.MatchString(a.Name) {
			b.errorf("auth: custom attribute name %q must be a letter, then up to 19 letters, digits or underscores, without the \"custom:\" prefix", a.Name)
			continue
		}
		if _, dup := custom[a.Name]; dup {
			b.errorf("auth: custom attribute %q listed twice", a.Name)
			continue
		}
		b.attrMutable["custom:"+a.Name] = a.Mutable
		mut := jsii.Bool(a.Mutable)
		switch a.Type {
		case "string", "":
			custom[a.Name] = awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: mut})
		case "number":
			custom[a.Name] = awscognito.NewNumberAttribute(&awscognito.NumberAttributeProps{Mutable: mut})
		case "boolean":
			custom[a.Name] = awscognito.NewBooleanAttribute(&awscognito.CustomAttributeProps{Mutable: mut})
		case "datetime":
			custom[a.Name] = awscognito.NewDateTimeAttribute(&awscognito.CustomAttributeProps{Mutable: mut})
		default:
			b.errorf("auth: custom attribute %q has unknown type %q (want string, number, boolean or datetime)", a.Name, a.Type)
		}
	}
	return custom
}

// passwordPolicy: nil props mean the default length and all four requirements.
func (b *poolBuild) passwordPolicy() *awscognito.PasswordPolicy {
	pp := PasswordPolicy{MinLength: awsrules.PasswordMinLengthDefault, RequireLowercase: true, RequireUppercase: true, RequireDigits: true, RequireSymbols: true}
	if b.p.PasswordPolicy != nil {
		pp = *b.p.PasswordPolicy
		if pp.MinLength == 0 {
			pp.MinLength = awsrules.PasswordMinLengthDefault
		}
	}
	if pp.MinLength < awsrules.PasswordMinLengthLowest || pp.MinLength > awsrules.PasswordMinLengthHighest {
		b.errorf("auth: password MinLength must be between %d and %d, got %d", awsrules.PasswordMinLengthLowest, awsrules.PasswordMinLengthHighest, pp.MinLength)
		pp.MinLength = awsrules.PasswordMinLengthDefault
	}
	out := &awscognito.PasswordPolicy{
		MinLength:        jsii.Number(float64(pp.MinLength)),
		RequireLowercase: jsii.Bool(pp.RequireLowercase),
		RequireUppercase: jsii.Bool(pp.RequireUppercase),
		RequireDigits:    jsii.Bool(pp.RequireDigits),
		RequireSymbols:   jsii.Bool(pp.RequireSymbols),
	}
	if pp.TempPasswordValidityDays < 0 || pp.TempPasswordValidityDays > awsrules.TempPasswordValidityDaysHighest {
		b.errorf("auth: TempPasswordValidityDays must be between 1 and %d, got %d", awsrules.TempPasswordValidityDaysHighest, pp.TempPasswordValidityDays)
	} else if pp.TempPasswordValidityDays > 0 {
		out.TempPasswordValidity = awscdk.Duration_Days(jsii.Number(float64(pp.TempPasswordValidityDays)))
	}
	return out
}

// featurePlan: "" is essentials.
func (b *poolBuild) featurePlan() awscognito.FeaturePlan {
	switch b.p.FeaturePlan {
	case "", "essentials":
		return awscognito.FeaturePlan_ESSENTIALS
	case "lite":
		return awscognito.FeaturePlan_LITE
	case "plus":
		return awscognito.FeaturePlan_PLUS
	default:
		b.errorf("auth: unknown FeaturePlan %q (want lite, essentials or plus)", b.p.FeaturePlan)
		return awscognito.FeaturePlan_ESSENTIALS
	}
}

// emailSender is the SES sender, or nil for Cognito's default email. CDK throws on a token region
// without SESRegion: checked first.
func (b *poolBuild) emailSender() awscognito.UserPoolEmail {
	es := b.p.EmailSender
	if es == nil {
		return nil
	}
	region := awscdk.Stack_Of(b.u).Region()
	switch {
	case es.From == "":
		b.errorf("auth: EmailSender.From is required")
	case es.SESRegion == "" && *awscdk.Token_IsUnresolved(region):
		b.errorf("auth: EmailSender.SESRegion is required when the stack region is not known at synth time")
	default:
		opts := &awscognito.UserPoolSESOptions{FromEmail: jsii.String(es.From)}
		if es.SESRegion != "" {
			opts.SesRegion = jsii.String(es.SESRegion)
		}
		if es.ConfigurationSet != "" {
			opts.ConfigurationSetName = jsii.String(es.ConfigurationSet)
		}
		return awscognito.UserPoolEmail_WithSES(opts)
	}
	return nil
}

// mfa is the MFA mode and its second factors. CDK throws on email MFA without SES or on the lite
// plan: checked first.
func (b *poolBuild) mfa(email awscognito.UserPoolEmail, plan awscognito.FeaturePlan) (awscognito.Mfa, *awscognito.MfaSecondFactor) {
	switch b.p.MFA {
	case "", MFAOff:
		if len(b.p.MFAMethods) > 0 {
			b.errorf("auth: MFAMethods are set but MFA is off")
		}
		return awscognito.Mfa_OFF, nil
	case MFAOptional, MFARequired:
	default:
		b.errorf("auth: unknown MFA mode %q (want off, optional or required)", b.p.MFA)
		return awscognito.Mfa_OFF, nil
	}
	mfa := awscognito.Mfa_OPTIONAL
	if b.p.MFA == MFARequired {
		mfa = awscognito.Mfa_REQUIRED
	}
	second := &awscognito.MfaSecondFactor{Otp: jsii.Bool(false), Sms: jsii.Bool(false)}
	for _, m := range b.p.MFAMethods {
		switch m {
		case MFATOTP:
			second.Otp = jsii.Bool(true)
		case MFASMS:
			second.Sms = jsii.Bool(true) // the L2 creates the SMS role
		case MFAEmail:
			switch {
			case email == nil:
				b.errorf("auth: email MFA needs EmailSender (an SES sender); Cognito's default email cannot send MFA codes")
			case plan == awscognito.FeaturePlan_LITE:
				b.errorf("auth: email MFA needs FeaturePlan essentials or plus")
			default:
				second.Email = jsii.Bool(true)
			}
		default:
			b.errorf("auth: unknown MFA method %q (want totp, sms or email)", m)
		}
	}
	if len(b.p.MFAMethods) == 0 {
		b.errorf("auth: MFA %q needs at least one method in MFAMethods (totp, sms, email)", b.p.MFA)
	}
	return mfa, second
}

// verifiedAttributes are the sign-in attributes plus AutoVerify.
func (b *poolBuild) verifiedAttributes() (email, phone bool) {
	email, phone = b.email, b.phone
	for _, a := range b.p.AutoVerify {
		switch a {
		case "email":
			email = true
		case "phone_number":
			phone = true
		default:
			b.errorf("auth: AutoVerify %q: only email and phone_number can be verified", a)
		}
	}
	phone = phone || (b.p.Passwordless != nil && b.p.Passwordless.SMSOTP) // SMS codes go to verified numbers only
	return email, phone
}

// accountRecovery is props.AccountRecovery, or derived from the sign-in and declared attributes.
func (b *poolBuild) accountRecovery() awscognito.AccountRecovery {
	recovery := deriveRecovery(b.email, b.phone, b.attrMutable)
	if b.p.AccountRecovery != "" {
		r, ok := accountRecovery(b.p.AccountRecovery)
		if !ok {
			b.errorf("auth: unknown AccountRecovery %q", b.p.AccountRecovery)
		} else {
			recovery = r
		}
	}
	return recovery
}

// removalPolicy: nil is RETAIN; a user pool has no snapshot.
func (b *poolBuild) removalPolicy() awscdk.RemovalPolicy {
	removal := awscdk.RemovalPolicy_RETAIN
	if b.p.Removal != nil {
		removal = *b.p.Removal
	}
	if removal == awscdk.RemovalPolicy_SNAPSHOT {
		b.errorf("auth: RemovalPolicy SNAPSHOT is not supported by a user pool")
		removal = awscdk.RemovalPolicy_RETAIN
	}
	return removal
}

// keepOriginal: a change of a verified attribute takes effect only once the user confirms the new
// value (Cognito keeps the old one until then), so nobody swaps in an address they do not own.
func keepOriginal(email, phone bool) *awscognito.KeepOriginalAttrs {
	if !email && !phone {
		return nil
	}
	return &awscognito.KeepOriginalAttrs{Email: jsii.Bool(email), Phone: jsii.Bool(phone)}
}

func deriveRecovery(email, phone bool, std map[string]bool) awscognito.AccountRecovery {
	_, emailAttr := std["email"]
	_, phoneAttr := std["phone_number"]
	switch {
	case email && phone:
		return awscognito.AccountRecovery_EMAIL_AND_PHONE_WITHOUT_MFA
	case email:
		return awscognito.AccountRecovery_EMAIL_ONLY
	case phone:
		return awscognito.AccountRecovery_PHONE_ONLY_WITHOUT_MFA
	case emailAttr: // username-only sign-in: recover through whatever is collected
		return awscognito.AccountRecovery_EMAIL_ONLY
	case phoneAttr:
		return awscognito.AccountRecovery_PHONE_ONLY_WITHOUT_MFA
	default:
		return awscognito.AccountRecovery_NONE
	}
}

func accountRecovery(s string) (awscognito.AccountRecovery, bool) {
	for _, r := range []awscognito.AccountRecovery{
		awscognito.AccountRecovery_EMAIL_ONLY,
		awscognito.AccountRecovery_PHONE_ONLY_WITHOUT_MFA,
		awscognito.AccountRecovery_EMAIL_AND_PHONE_WITHOUT_MFA,
		awscognito.AccountRecovery_PHONE_WITHOUT_MFA_AND_EMAIL,
		awscognito.AccountRecovery_PHONE_AND_EMAIL,
		awscognito.AccountRecovery_NONE,
	} {
		if strings.EqualFold(s, string(r)) {
			return r, true
		}
	}
	return "", false
}
