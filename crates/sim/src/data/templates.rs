//! The settings catalog library: ~25 realistic policies in a compact notation, parsed by `catalog`.
//!
//! Setting ids, values and structure follow the real exports in `fixtures/CES2026-IntuneCD` and
//! Microsoft's CSP documentation. Notation, one setting per line, two spaces per nesting level:
//!
//! ```text
//! @ <name stem> | <platforms> | <technologies> | <description>     golden template ("MSP - " + stem)
//! @? …                                                                customer-only template
//! c <id> = <option suffix> | <display name> [| <suffix>=<label>,…]   choice (children indented)
//! i <id> = <integer> | <display name>                                 simple integer
//! s <id> = <text> | <display name>                                    simple string
//! l <id> = <a>;<b>;… | <display name>                                 simple string collection
//! g <id> | <display name>                                             group collection, one item
//! +…                                                                  optional: absent from the golden
//!                                                                     policy, added by deviations
//! ```
//! Choice options not listed are derived from the value (`0`/`1`, `true`/`false`, ASR actions).

pub(crate) const TEMPLATES: &str = r#"
@ Win - BitLocker | windows10 | mdm | Encrypts OS and fixed drives with XTS-AES 256, escrows recovery keys to Entra ID.
c device_vendor_msft_bitlocker_requiredeviceencryption = 1 | Require Device Encryption
c device_vendor_msft_bitlocker_allowwarningforotherdiskencryption = 0 | Allow Warning For Other Disk Encryption | 0=Disabled,1=Enabled
  c device_vendor_msft_bitlocker_allowstandarduserencryption = 1 | Allow Standard User Encryption
c device_vendor_msft_bitlocker_encryptionmethodbydrivetype = 1 | Choose drive encryption method and cipher strength (Windows 10 [Version 1511] and later)
  c device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name = 7 | Select the encryption method for operating system drives: | 3=AES-CBC 128-bit,4=AES-CBC 256-bit,6=XTS-AES 128-bit,7=XTS-AES 256-bit
  c device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsfdvdropdown_name = 7 | Select the encryption method for fixed data-drives: | 3=AES-CBC 128-bit,4=AES-CBC 256-bit,6=XTS-AES 128-bit,7=XTS-AES 256-bit
  c device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsrdvdropdown_name = 4 | Select the encryption method for removable data drives: | 3=AES-CBC 128-bit,4=AES-CBC 256-bit,6=XTS-AES 128-bit,7=XTS-AES 256-bit
c device_vendor_msft_bitlocker_systemdrivesrecoveryoptions = 1 | Choose how BitLocker-protected operating system drives can be recovered
  c device_vendor_msft_bitlocker_systemdrivesrecoveryoptions_osrecoverypasswordusagedropdown_name = 2 | Configure user storage of BitLocker recovery information: | 0=Do not allow 48-digit recovery password,1=Require 48-digit recovery password,2=Allow 48-digit recovery password
  c device_vendor_msft_bitlocker_systemdrivesrecoveryoptions_osrequireactivedirectorybackup_name = 1 | Do not enable BitLocker until recovery information is stored to AD DS for operating system drives
  c device_vendor_msft_bitlocker_systemdrivesrecoveryoptions_oshiderecoverypage_name = 1 | Omit recovery options from the BitLocker setup wizard
c device_vendor_msft_bitlocker_configurerecoverypasswordrotation = 1 | Configure Recovery Password Rotation | 0=Refresh off (default),1=Refresh on for Azure AD-joined devices,2=Refresh on for both Azure AD-joined and hybrid-joined devices
+c device_vendor_msft_bitlocker_fixeddrivesrequireencryption = 1 | Deny write access to fixed drives not protected by BitLocker

@ Win - Defender Antivirus | windows10 | mdm,microsoftSense | Microsoft Defender Antivirus real-time, cloud and scan settings.
c device_vendor_msft_policy_config_defender_allowrealtimemonitoring = 1 | Allow Realtime Monitoring
c device_vendor_msft_policy_config_defender_allowbehaviormonitoring = 1 | Allow Behavior Monitoring
c device_vendor_msft_policy_config_defender_allowcloudprotection = 1 | Allow Cloud Protection
c device_vendor_msft_policy_config_defender_cloudblocklevel = 2 | Cloud Block Level | 0=Default State,2=High,4=High Plus,6=Zero Tolerance
i device_vendor_msft_policy_config_defender_cloudextendedtimeout = 50 | Cloud Extended Timeout
c device_vendor_msft_policy_config_defender_submitsamplesconsent = 1 | Submit Samples Consent | 0=Always prompt,1=Send safe samples automatically,2=Never send,3=Send all samples automatically
c device_vendor_msft_policy_config_defender_puaprotection = 1 | PUA Protection | 0=PUA Protection off,1=PUA Protection on,2=Audit mode
c device_vendor_msft_policy_config_defender_enablenetworkprotection = 1 | Enable Network Protection | 0=Disabled,1=Enabled (block mode),2=Enabled (audit mode)
i device_vendor_msft_policy_config_defender_avgcpuloadfactor = 50 | Avg CPU Load Factor
i device_vendor_msft_policy_config_defender_signatureupdateinterval = 4 | Signature Update Interval
c device_vendor_msft_policy_config_defender_scanparameter = 1 | Scan Parameter | 1=Quick scan,2=Full scan
c device_vendor_msft_policy_config_defender_schedulescanday = 0 | Schedule Scan Day | 0=Every day,1=Sunday,2=Monday,3=Tuesday,4=Wednesday,5=Thursday,6=Friday,7=Saturday,8=No scheduled scan
g device_vendor_msft_policy_config_defender_threatseveritydefaultaction | Threat Severity Default Action
  c device_vendor_msft_policy_config_defender_threatseveritydefaultaction_highseveritythreats = quarantine | Remediation action for High severity threats
  c device_vendor_msft_policy_config_defender_threatseveritydefaultaction_severethreats = quarantine | Remediation action for Severe threats
+c device_vendor_msft_policy_config_defender_allowscriptscanning = 1 | Allow Script Scanning

@ Win - Defender ASR Rules | windows10 | mdm,microsoftSense | Attack surface reduction rules: block mode for the standard set, audit for ransomware protection.
g device_vendor_msft_policy_config_defender_attacksurfacereductionrules | Attack Surface Reduction Rules
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockexecutionofpotentiallyobfuscatedscripts = block | Block execution of potentially obfuscated scripts
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockwin32apicallsfromofficemacros = block | Block Win32 API calls from Office macros
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockadobereaderfromcreatingchildprocesses = block | Block Adobe Reader from creating child processes
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockcredentialstealingfromwindowslocalsecurityauthoritysubsystem = block | Block credential stealing from the Windows local security authority subsystem
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockexecutablecontentfromemailclientandwebmail = block | Block executable content from email client and webmail
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockofficeapplicationsfromcreatingexecutablecontent = block | Block Office applications from creating executable content
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_blockpersistencethroughwmieventsubscription = block | Block persistence through WMI event subscription
  c device_vendor_msft_policy_config_defender_attacksurfacereductionrules_useadvancedprotectionagainstransomware = audit | Use advanced protection against ransomware

@ Win - Firewall | windows10 | mdm | Windows Firewall on for all profiles, inbound blocked by default.
c vendor_msft_firewall_mdmstore_domainprofile_enablefirewall = true | Enable Domain Network Firewall
  c vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction = 1 | Default Inbound Action for Domain Profile | 0=Allow,1=Block
  c vendor_msft_firewall_mdmstore_domainprofile_defaultoutboundaction = 0 | Default Outbound Action | 0=Allow,1=Block
c vendor_msft_firewall_mdmstore_privateprofile_enablefirewall = true | Enable Private Network Firewall
  c vendor_msft_firewall_mdmstore_privateprofile_defaultinboundaction = 1 | Default Inbound Action for Private Profile | 0=Allow,1=Block
  c vendor_msft_firewall_mdmstore_privateprofile_defaultoutboundaction = 0 | Default Outbound Action | 0=Allow,1=Block
c vendor_msft_firewall_mdmstore_publicprofile_enablefirewall = true | Enable Public Network Firewall
  c vendor_msft_firewall_mdmstore_publicprofile_defaultinboundaction = 1 | Default Inbound Action for Public Profile | 0=Allow,1=Block
  c vendor_msft_firewall_mdmstore_publicprofile_defaultoutboundaction = 0 | Default Outbound Action | 0=Allow,1=Block
  c vendor_msft_firewall_mdmstore_publicprofile_allowlocalpolicymerge = false | Allow Local Policy Merge
+c vendor_msft_firewall_mdmstore_global_disablestatefulftp = true | Disable Stateful Ftp

@ Win - LAPS | windows10 | mdm | Windows LAPS: rotate the local admin password every 30 days, back up to Entra ID.
c device_vendor_msft_laps_policies_backupdirectory = 1 | Backup Directory | 0=Disabled (password will not be backed up),1=Backup the password to Azure AD only,2=Backup the password to Active Directory only
  i device_vendor_msft_laps_policies_passwordagedays_aad = 30 | Password Age Days
c device_vendor_msft_laps_policies_passwordcomplexity = 4 | Password Complexity | 1=Large letters,2=Large letters + small letters,3=Large letters + small letters + numbers,4=Large letters + small letters + numbers + special characters,5=Large letters + small letters + numbers + special characters (improved readability),6=Passphrase (long words)
i device_vendor_msft_laps_policies_passwordlength = 14 | Password Length
c device_vendor_msft_laps_policies_postauthenticationactions = 3 | Post Authentication Actions | 1=Reset password: upon expiry of the grace period,3=Reset the password and logoff the managed account,5=Reset the password and reboot the device
i device_vendor_msft_laps_policies_postauthenticationresetdelay = 8 | Post Authentication Reset Delay
+s device_vendor_msft_laps_policies_administratoraccountname = lapsadmin | Administrator Account Name

@ Win - Windows Hello for Business | windows10 | mdm | Windows Hello for Business with a TPM and a six-digit PIN.
c device_vendor_msft_passportforwork_{tenantid}_policies_usepassportforwork = true | Use Windows Hello For Business (Device)
  c device_vendor_msft_passportforwork_{tenantid}_policies_requiresecuritydevice = true | Require Security Device
  i device_vendor_msft_passportforwork_{tenantid}_policies_pincomplexity_minimumpinlength = 6 | Minimum PIN Length
  c device_vendor_msft_passportforwork_{tenantid}_policies_pincomplexity_uppercaseletters = 2 | Uppercase Letters | 0=Allowed,1=Required,2=Not allowed
c device_vendor_msft_passportforwork_biometrics_usebiometrics = true | Allow Use of Biometrics
+c device_vendor_msft_passportforwork_biometrics_facialfeaturesuseenhancedantispoofing = true | Facial Features Use Enhanced Anti Spoofing

@ Win - Edge Baseline | windows10 | mdm | Microsoft Edge: SmartScreen on, password manager off, company home page.
c device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~smartscreen_smartscreenenabled = 1 | Configure Microsoft Defender SmartScreen
c device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~smartscreen_preventsmartscreenpromptoverride = 1 | Prevent bypassing Microsoft Defender SmartScreen prompts for sites
c device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~passwordmanager_passwordmanagerenabled = 0 | Enable saving passwords to the password manager
c device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_hidefirstrunexperience = 1 | Hide the First-run experience and splash screen
c device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~startup_homepagelocation = 1 | Configure the home page URL
  s device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~startup_homepagelocation_homepagelocation = https://www.office.com | Home page URL (Device)
+c device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_edgeshoppingassistantenabled = 0 | Shopping in Microsoft Edge Enabled

@ Win - OneDrive | windows10 | mdm | OneDrive sync: silent sign-in, Files On-Demand, known folders cannot be opted out.
c device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_silentaccountconfig = 1 | Silently sign in users to the OneDrive sync app with their Windows credentials
c device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_filesondemandenabled = 1 | Use OneDrive Files On-Demand
c device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_kfmblockoptout = 1 | Prevent users from redirecting their Windows known folders to their PC
c device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_disablepersonalsync = 1 | Prevent users from syncing personal OneDrive accounts
+c device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_blockexternalsync = 1 | Prevent users from syncing libraries and folders shared from other organizations

@ Win - Office Updates | windows10 | mdm | Microsoft 365 Apps on Monthly Enterprise Channel with automatic updates.
c device_vendor_msft_policy_config_office16v2~policy~l_microsoftofficemachine~l_updates_l_enableautomaticupdates = 1 | Enable Automatic Updates
c device_vendor_msft_policy_config_office16v2~policy~l_microsoftofficemachine~l_updates_l_updatebranch = 1 | Update Channel
  c device_vendor_msft_policy_config_office16v2~policy~l_microsoftofficemachine~l_updates_l_updatebranch_l_updatebranchid = monthlyenterprise | Channel Name: (Device) | current=Current Channel,monthlyenterprise=Monthly Enterprise Channel,deferred=Semi-Annual Enterprise Channel,firstreleasecurrent=Current Channel (Preview)
c device_vendor_msft_policy_config_office16v2~policy~l_microsoftofficemachine~l_updates_l_hideenabledisableupdates = 1 | Hide option to enable or disable updates
+c device_vendor_msft_policy_config_office16v2~policy~l_microsoftofficemachine~l_updates_l_hideupdatenotifications = 1 | Hide Update Notifications

@ Win - Device Lock | windows10 | mdm | Screen lock after 15 minutes and password history.
c device_vendor_msft_policy_config_devicelock_devicepasswordenabled = 0 | Device Password Enabled | 0=Enabled,1=Disabled
i device_vendor_msft_policy_config_devicelock_mindevicepasswordlength = 8 | Min Device Password Length
i device_vendor_msft_policy_config_devicelock_maxinactivitytimedevicelock = 15 | Max Inactivity Time Device Lock
i device_vendor_msft_policy_config_devicelock_devicepasswordhistory = 24 | Device Password History

@ Win - Local Security Options | windows10 | mdm | CIS-style local security options: accounts, devices, interactive logon, SMB signing, network security and UAC.
i device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_machineinactivitylimit = 900 | Interactive Logon Machine Inactivity Limit
c device_vendor_msft_policy_config_localpoliciessecurityoptions_accounts_enableguestaccountstatus = 0 | Accounts Enable Guest Account Status | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforadministrators = 2 | User Account Control Behavior Of The Elevation Prompt For Administrators | 0=Elevate without prompting,1=Prompt for credentials on the secure desktop,2=Prompt for consent on the secure desktop,3=Prompt for credentials,4=Prompt for consent,5=Prompt for consent for non-Windows binaries
c device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_donotdisplaylastsignedin = 1 | Interactive Logon Do Not Display Last Signed In | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_accounts_blockmicrosoftaccounts = 3 | Accounts Block Microsoft Accounts | 0=Disabled (users will be able to use Microsoft accounts with Windows),1=Enabled (users can't add Microsoft accounts),3=Users can't add or log on with Microsoft accounts
c device_vendor_msft_policy_config_localpoliciessecurityoptions_accounts_limitlocalaccountuseofblankpasswordstoconsolelogononly = 1 | Accounts Limit Local Account Use Of Blank Passwords To Console Logon Only | 0=Disabled,1=Enabled
s device_vendor_msft_policy_config_localpoliciessecurityoptions_accounts_renameadministratoraccount = LocalOps | Accounts Rename Administrator Account
s device_vendor_msft_policy_config_localpoliciessecurityoptions_accounts_renameguestaccount = NoGuest | Accounts Rename Guest Account
c device_vendor_msft_policy_config_localpoliciessecurityoptions_devices_allowundockwithouthavingtologon = 0 | Devices Allow Undock Without Having To Logon | 0=Block,1=Allow
c device_vendor_msft_policy_config_localpoliciessecurityoptions_devices_allowedtoformatandejectremovablemedia = 0 | Devices Allowed To Format And Eject Removable Media | 0=Administrators,1=Administrators and Power Users,2=Administrators and Interactive Users
c device_vendor_msft_policy_config_localpoliciessecurityoptions_devices_preventusersfrominstallingprinterdriverswhenconnectingtosharedprinters = 1 | Devices Prevent Users From Installing Printer Drivers When Connecting To Shared Printers | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_devices_restrictcdromaccesstolocallyloggedonuseronly = 1 | Devices Restrict CDROM Access To Locally Logged On User Only | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_displayuserinformationwhenthesessionislocked = 3 | Interactive Logon Display User Information When The Session Is Locked | 1=User display name plus domain and user names,2=User display name only,3=Do not display user information
c device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_donotdisplayusernameatsignin = 1 | Interactive Logon Do Not Display Username At Sign In | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_donotrequirectrlaltdel = 0 | Interactive Logon Do Not Require CTRL ALT DEL | 0=Disabled,1=Enabled
s device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_messagetitleforusersattemptingtologon = Authorised use only | Interactive Logon Message Title For Users Attempting To Log On
s device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_messagetextforusersattemptingtologon = This device belongs to the organisation. Use is monitored. | Interactive Logon Message Text For Users Attempting To Log On
c device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_smartcardremovalbehavior = 1 | Interactive Logon Smart Card Removal Behavior | 0=No Action,1=Lock Workstation,2=Force Logoff,3=Disconnect if a remote Remote Desktop Services session
c device_vendor_msft_policy_config_localpoliciessecurityoptions_microsoftnetworkclient_digitallysigncommunicationsalways = 1 | Microsoft Network Client Digitally Sign Communications Always | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_microsoftnetworkclient_digitallysigncommunicationsifserveragrees = 1 | Microsoft Network Client Digitally Sign Communications If Server Agrees | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_microsoftnetworkclient_sendunencryptedpasswordtothirdpartysmbservers = 0 | Microsoft Network Client Send Unencrypted Password To Third Party SMB Servers | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_microsoftnetworkserver_digitallysigncommunicationsalways = 1 | Microsoft Network Server Digitally Sign Communications Always | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_microsoftnetworkserver_digitallysigncommunicationsifclientagrees = 1 | Microsoft Network Server Digitally Sign Communications If Client Agrees | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networkaccess_donotallowanonymousenumerationofsamaccounts = 1 | Network Access Do Not Allow Anonymous Enumeration Of SAM Accounts | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networkaccess_donotallowanonymousenumerationofsamaccountsandshares = 1 | Network Access Do Not Allow Anonymous Enumeration Of SAM Accounts And Shares | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networkaccess_restrictanonymousaccesstonamedpipesandshares = 1 | Network Access Restrict Anonymous Access To Named Pipes And Shares | 0=Disable,1=Enable
s device_vendor_msft_policy_config_localpoliciessecurityoptions_networkaccess_restrictclientsallowedtomakeremotecallstosam = O:BAG:BAD:(A;;RC;;;BA) | Network Access Restrict Clients Allowed To Make Remote Calls To SAM
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_allowpku2uauthenticationrequests = 0 | Network Security Allow PKU2U Authentication Requests | 0=Block,1=Allow
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange = 1 | Network Security Do Not Store LAN Manager Hash Value On Next Password Change | 0=Disable,1=Enable
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel = 5 | Network Security LAN Manager Authentication Level | 0=Send LM and NTLM responses,1=Send LM and NTLM-use NTLMv2 session security if negotiated,2=Send LM and NTLM responses only,3=Send LM and NTLMv2 responses only,4=Send LM and NTLMv2 responses only. Refuse LM,5=Send LM and NTLMv2 responses only. Refuse LM and NTLM
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_minimumsessionsecurityforntlmsspbasedclients = 537395200 | Network Security Minimum Session Security For NTLMSSP Based Clients | 0=None,524288=Require NTLMv2 session security,536870912=Require 128-bit encryption,537395200=Require NTLM and 128-bit encryption
c device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_minimumsessionsecurityforntlmsspbasedservers = 537395200 | Network Security Minimum Session Security For NTLMSSP Based Servers | 0=None,524288=Require NTLMv2 session security,536870912=Require 128-bit encryption,537395200=Require NTLM and 128-bit encryption
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforstandardusers = 0 | User Account Control Behavior Of The Elevation Prompt For Standard Users | 0=Automatically deny elevation requests,1=Prompt for credentials on the secure desktop,3=Prompt for credentials
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_detectapplicationinstallationsandpromptforelevation = 1 | User Account Control Detect Application Installations And Prompt For Elevation | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_onlyelevateuiaccessapplicationsthatareinstalledinsecurelocations = 1 | User Account Control Only Elevate UI Access Applications That Are Installed In Secure Locations | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_runalladministratorsinadminapprovalmode = 1 | User Account Control Run All Administrators In Admin Approval Mode | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_switchtothesecuredesktopwhenpromptingforelevation = 1 | User Account Control Switch To The Secure Desktop When Prompting For Elevation | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_useadminapprovalmode = 1 | User Account Control Use Admin Approval Mode | 0=Disabled,1=Enabled
c device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_virtualizefileandregistrywritefailurestoperuserlocations = 1 | User Account Control Virtualize File And Registry Write Failures To Per User Locations | 0=Disabled,1=Enabled

@ Win - Windows Update Settings | windows10 | mdm | Deferrals, deadlines and active hours for Windows Update.
c device_vendor_msft_policy_config_update_allowautoupdate = 1 | Allow Auto Update | 0=Notify the user before downloading the update,1=Auto install the update and then notify the user to schedule a device restart,2=Auto install and restart,3=Auto install and restart at a specified time,4=Auto install and restart without end-user control,5=Turn off automatic updates
i device_vendor_msft_policy_config_update_deferqualityupdatesperiodindays = 3 | Defer Quality Updates Period (Days)
i device_vendor_msft_policy_config_update_deferfeatureupdatesperiodindays = 30 | Defer Feature Updates Period (Days)
i device_vendor_msft_policy_config_update_configuredeadlineforqualityupdates = 2 | Deadline for Quality Updates
i device_vendor_msft_policy_config_update_activehoursstart = 8 | Active Hours Start
i device_vendor_msft_policy_config_update_activehoursend = 17 | Active Hours End

@ Win - Credential Guard | windows10 | mdm | Virtualization-based security and Credential Guard with UEFI lock.
c device_vendor_msft_policy_config_deviceguard_enablevirtualizationbasedsecurity = 1 | Enable Virtualization Based Security
c device_vendor_msft_policy_config_deviceguard_lsacfgflags = 1 | Credential Guard | 0=(Disabled) Turn off Credential Guard remotely if configured previously without UEFI Lock,1=(Enabled with UEFI lock) Turn on Credential Guard with UEFI lock,2=(Enabled without lock) Turn on Credential Guard without UEFI lock
c device_vendor_msft_policy_config_deviceguard_requireplatformsecurityfeatures = 1 | Require Platform Security Features | 1=Turns on VBS with Secure Boot,3=Turns on VBS with Secure Boot and direct memory access (DMA)

@ Win - Defender for Endpoint | windows10 | mdm,microsoftSense | Onboarding from the connector with expedited telemetry.
c device_vendor_msft_windowsadvancedthreatprotection_configurationtype = autofromconnector | Microsoft Defender for Endpoint client configuration package type | autofromconnector=Auto from connector,onboard=Onboard,offboard=Offboard
c device_vendor_msft_windowsadvancedthreatprotection_configuration_samplesharing = 1 | Sample Sharing | 0=None,1=All
c device_vendor_msft_windowsadvancedthreatprotection_configuration_telemetryreportingfrequency = 2 | [Deprecated] Telemetry Reporting Frequency | 1=Normal,2=Expedite

@ Win - Start and Consumer Experience | windows10 | mdm | No consumer features, no Cortana, tidy Start menu.
c device_vendor_msft_policy_config_experience_allowwindowsconsumerfeatures = 0 | Allow Windows Consumer Features
c device_vendor_msft_policy_config_experience_allowcortana = 0 | Allow Cortana
c device_vendor_msft_policy_config_start_hiderecommendedsection = 1 | Hide Recommended Section | 0=Recommended section shown,1=Recommended section hidden
+c device_vendor_msft_policy_config_experience_allowspotlightcollection = 0 | Allow Spotlight Collection

@ macOS - FileVault | macOS | mdm,appleRemoteManagement | FileVault at next login, recovery key escrowed to Intune.
g com.apple.mcx.filevault2_com.apple.mcx.filevault2 | FileVault
  c com.apple.mcx.filevault2_enable = 0 | Enable | 0=On,1=Off
  c com.apple.mcx.filevault2_defer = true | Defer
  i com.apple.mcx.filevault2_deferforceatuserloginmaxbypassattempts = 0 | Defer Force At User Login Max Bypass Attempts
  c com.apple.mcx.filevault2_recoverykeyrotationinmonths = 6 | Recovery Key Rotation In Months | 0=Not configured,1=1 month,3=3 months,6=6 months,12=12 months
g com.apple.security.fderecoverykeyescrow_com.apple.security.fderecoverykeyescrow | FileVault Recovery Key Escrow
  s com.apple.security.fderecoverykeyescrow_location = Company Portal | Location

@ macOS - Screensaver | macOS | mdm,appleRemoteManagement | Screen saver after 10 minutes, password immediately.
g com.apple.screensaver_com.apple.screensaver | Screensaver
  i com.apple.screensaver_idletime = 600 | Login Window Idle Time
  c com.apple.screensaver_askforpassword = true | Ask For Password
  i com.apple.screensaver_askforpassworddelay = 0 | Ask For Password Delay

@ macOS - Software Update | macOS | mdm,appleRemoteManagement | Automatic checks, downloads and macOS installs.
g com.apple.softwareupdate_com.apple.softwareupdate | Software Update
  c com.apple.softwareupdate_automaticcheckenabled = true | Automatic Check Enabled
  c com.apple.softwareupdate_automaticdownload = true | Automatic Download
  c com.apple.softwareupdate_automaticallyinstallmacosupdates = true | Automatically Install MacOS Updates
  c com.apple.softwareupdate_criticalupdateinstall = true | Critical Update Install

@ macOS - Firewall | macOS | mdm,appleRemoteManagement | Application firewall on with stealth mode.
g com.apple.security.firewall_com.apple.security.firewall | Firewall
  c com.apple.security.firewall_enablefirewall = true | Enable Firewall
  c com.apple.security.firewall_blockallincoming = false | Block All Incoming
  c com.apple.security.firewall_enablestealthmode = true | Enable Stealth Mode

@ macOS - Platform SSO | macOS | mdm,appleRemoteManagement | Platform SSO with the Microsoft Enterprise SSO plug-in (secure enclave key).
g com.apple.extensiblesso_com.apple.extensiblesso | Extensible Single Sign On (SSO)
  c com.apple.extensiblesso_authenticationmethod = 1 | Authentication Method (Deprecated) | 0=Password,1=UserSecureEnclaveKey
  s com.apple.extensiblesso_extensionidentifier = com.microsoft.CompanyPortalMac.ssoextension | Extension Identifier
  s com.apple.extensiblesso_teamidentifier = UBF8T346G9 | Team Identifier
  c com.apple.extensiblesso_type = 1 | Type | 0=Credential,1=Redirect
  l com.apple.extensiblesso_urls = https://login.microsoftonline.com;https://login.microsoft.com;https://sts.windows.net | URLs
  s com.apple.extensiblesso_registrationtoken = {{DEVICEREGISTRATION}} | Registration Token
  c com.apple.extensiblesso_screenlockedbehavior = 0 | Screen Locked Behavior | 0=Do Not Handle,1=Cancel

@ iOS - Software Updates | iOS | mdm,appleRemoteManagement | Declarative software update enforcement one day after release at noon.
g ddm-latestsoftwareupdate_ddm-latestsoftwareupdate | Enforce Latest Software Update
  c ddm-latestsoftwareupdate_enforcelatestsoftwareupdateversion = 0 | Enforce Latest Software Update Version | 0=True,1=False
    i ddm-latestsoftwareupdate_delayindays = 1 | Delay In Days
    s ddm-latestsoftwareupdate_installtime = 12:00 | Install Time
g softwareupdate_softwareupdate | Software Update
  c softwareupdate_rapidsecurityresponse_enable = true | Rapid Security Response Enable

@ Win - Windows Spotlight | windows10 | mdm | Windows Spotlight and third-party suggestions off for company devices.
c user_vendor_msft_policy_config_experience_allowthirdpartysuggestionsinwindowsspotlight = 0 | Allow Third Party Suggestions In Windows Spotlight (User)
c user_vendor_msft_policy_config_experience_allowwindowsspotlight = 0 | Allow Windows Spotlight (User)
c user_vendor_msft_policy_config_experience_allowwindowstips = 0 | Allow Windows Tips (User)

@? Win - User Rights | windows10 | mdm | CIS (L1) user rights assignments.
l device_vendor_msft_policy_config_userrights_accessfromnetwork = *S-1-5-32-544;*S-1-5-32-555 | Access From Network
l device_vendor_msft_policy_config_userrights_allowlocallogon = *S-1-5-32-544;*S-1-5-32-545 | Allow Local Log On
l device_vendor_msft_policy_config_userrights_denylocallogon = *S-1-5-32-546 | Deny Local Log On
l device_vendor_msft_policy_config_userrights_denyremotedesktopserviceslogon = *S-1-5-32-546;*S-1-5-113 | Deny Remote Desktop Services Log On
l device_vendor_msft_policy_config_userrights_debugprograms = *S-1-5-32-544 | Debug Programs

@? Win - Time Zone | windows10 | mdm | Fixed time zone for shared devices.
s device_vendor_msft_policy_config_timelanguagesettings_configuretimezone = W. Europe Standard Time | Configure Time Zone

@? Win - Delivery Optimization | windows10 | mdm | Peer caching on the LAN, limited cache size.
c device_vendor_msft_policy_config_deliveryoptimization_dodownloadmode = 1 | DO Download Mode | 0=HTTP only, no peering,1=HTTP blended with peering behind the same NAT,2=HTTP blended with peering across a private group,3=HTTP blended with Internet peering,99=Simple download mode with no peering,100=Bypass mode
i device_vendor_msft_policy_config_deliveryoptimization_domaxcachesize = 10 | DO Max Cache Size
i device_vendor_msft_policy_config_deliveryoptimization_dominramallowedtopeer = 8 | DO Min RAM Allowed To Peer

@? Win - Kiosk Browser | windows10 | mdm | Kiosk browser home page and restart on idle.
s vendor_msft_kioskbrowser_defaulturl = https://intranet.example.com/kiosk | Default URL
i vendor_msft_kioskbrowser_restartonidletime = 5 | Restart On Idle Time
c vendor_msft_kioskbrowser_enablehomebutton = true | Enable Home Button

@? Win - Power Settings | windows10 | mdm | Sleep and hibernate timeouts on battery and plugged in.
i device_vendor_msft_policy_config_power_standbytimeoutpluggedin = 3600 | Standby Timeout Plugged In
i device_vendor_msft_policy_config_power_standbytimeoutonbattery = 900 | Standby Timeout On Battery
c device_vendor_msft_policy_config_power_requirepasswordwhencomputerwakesonbattery = 1 | Require Password When Computer Wakes On Battery
"#;
