<#
.SYNOPSIS
    Collects the Windows evidence that `timaudit audit --evidence DIR` evaluates.
    timaudit audit --evidence DIR が評価する Windows の証跡を集めます。

.DESCRIPTION
    Read-only: the script only runs commands that read or export settings
    (reg export, auditpol /backup, secedit /export, netsh ... show, icacls without
    changes, Get-NetFirewallProfile, Get-SmbShare, Get-SmbShareAccess,
    Get-SmbServerConfiguration, Get-MpComputerStatus, wevtutil gl, an LDAP read
    of the domain's password policy). It changes no setting, permission or file
    on this computer; it writes only into the output folder.

    読み取り専用です。設定を読み出す・書き出すコマンドだけを実行し、このコンピューターの
    設定・アクセス権・ファイルは一切変更しません。書き込むのは出力フォルダーだけです。

    Runs in Windows PowerShell 5.1 and PowerShell 7, in any display language.
    The file is saved as UTF-8 with a BOM: Windows PowerShell 5.1 reads a file
    without a BOM in the ANSI code page, which breaks the Japanese text below.
    Programs are started by their full path under %SystemRoot%\System32 (never
    a copy in the current folder), their output is streamed into the evidence
    files byte for byte (CP932 on Japanese Windows; timaudit detects the
    encoding), and locale-neutral sources are used where Windows has them
    (JSON of PowerShell objects, auditpol /backup).

    Windows PowerShell 5.1 / PowerShell 7、日本語版・英語版のどちらでも動きます。
    このファイルは BOM 付き UTF-8 で保存してください（BOM がないと 5.1 が日本語を壊します）。

    Run it in an elevated window (auditpol and secedit need administrator rights).
    管理者として実行した PowerShell で実行してください（auditpol と secedit に管理者権限が必要です）。

.PARAMETER OutDir
    The evidence folder to write (default: .\timaudit-evidence-COMPUTERNAME).

.PARAMETER Path
    Extra folders whose access rights (icacls) are exported, besides every
    shared folder. Example: -Path 'D:\設計','E:\'

.PARAMETER SkipAcl
    Do not export folder access rights (icacls /t lists every file and can take
    long on large shares).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\collect-windows-evidence.ps1 -OutDir E:\evidence\FS01
#>
[CmdletBinding()]
param(
    [string]$OutDir = (Join-Path (Get-Location) ('timaudit-evidence-' + $env:COMPUTERNAME)),
    [string[]]$Path = @(),
    [switch]$SkipAcl
)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Continue'

# Programs by full path: a planted icacls.exe in the current folder never runs.
$Sys32 = Join-Path $env:SystemRoot 'System32'
$Utf8NoBom = New-Object System.Text.UTF8Encoding($false)
$LogFile = $null

function Note([string]$Message) {
    $line = (Get-Date -Format 'yyyy-MM-ddTHH:mm:sszzz') + ' ' + $Message
    Write-Host $line
    if ($LogFile) { [System.IO.File]::AppendAllText($LogFile, $line + "`r`n", $Utf8NoBom) }
}

function Write-Utf8([string]$File, [string]$Text) {
    # UTF-8 without BOM, the same in Windows PowerShell 5.1 and PowerShell 7.
    [System.IO.File]::WriteAllText($File, $Text, $Utf8NoBom)
}

function Write-Json([string]$File, $Object) {
    Write-Utf8 $File (ConvertTo-Json -InputObject $Object -Depth 3)
}

function Quote-Arg([string]$Arg) {
    # One argument for a program's command line, by the rules the C runtime
    # uses to split it: backslashes before a quote (and before the closing
    # quote) are doubled, so a drive root E:\ stays E:\ and does not swallow
    # the quote ("E:\" would reach icacls as E:" /t /c).
    if ($Arg -ne '' -and $Arg -notmatch '[\s"]') { return $Arg }
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append('"')
    $slashes = 0
    foreach ($c in $Arg.ToCharArray()) {
        if ($c -eq [char]'\') { $slashes++; continue }
        if ($c -eq [char]'"') {
            [void]$sb.Append('\' * (2 * $slashes + 1))
            [void]$sb.Append('"')
        } else {
            [void]$sb.Append('\' * $slashes)
            [void]$sb.Append($c)
        }
        $slashes = 0
    }
    [void]$sb.Append('\' * (2 * $slashes))
    [void]$sb.Append('"')
    return $sb.ToString()
}

function Save-NativeOutput([string]$Exe, [string[]]$Arguments, [string]$OutFile) {
    # Runs a System32 program and streams its standard output into OutFile as
    # the program wrote it (no PowerShell re-encoding, nothing held in memory:
    # icacls /t of a large share can be gigabytes), then its error output.
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = Join-Path $Sys32 $Exe
    $psi.Arguments = (@($Arguments | ForEach-Object { Quote-Arg $_ }) -join ' ')
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    try {
        $p = [System.Diagnostics.Process]::Start($psi)
    } catch {
        Note ('FAILED to start {0} {1} : {2}' -f $psi.FileName, $psi.Arguments, $_.Exception.Message)
        return $null
    }
    $err = New-Object System.IO.MemoryStream
    $errTask = $p.StandardError.BaseStream.CopyToAsync($err)
    $size = 0
    $out = [System.IO.File]::Open($OutFile, [System.IO.FileMode]::Create, [System.IO.FileAccess]::Write)
    try {
        $p.StandardOutput.BaseStream.CopyTo($out)
        $errTask.Wait()
        $err.WriteTo($out)
        $size = $out.Length
    } finally {
        $out.Dispose()
    }
    $p.WaitForExit()
    Note ('{0} {1} -> {2} (exit {3}, {4} bytes)' -f $psi.FileName, $psi.Arguments, $OutFile, $p.ExitCode, $size)
    return $p.ExitCode
}

function Save-Object([string]$File, [string]$What, [scriptblock]$Get) {
    # A PowerShell object as JSON (property names are never localised); on
    # failure {"error": "..."} so the evidence says why it is missing.
    try {
        Write-Json $File (& $Get)
        Note ('{0}: saved {1}' -f $What, $File)
    } catch {
        Write-Json $File ([ordered]@{ error = $_.Exception.Message })
        Note ('FAILED {0}: {1}' -f $What, $_.Exception.Message)
    }
}

function Safe-Name([string]$Name) {
    $n = ($Name -replace '[\\/:*?"<>|\s]+', '_').Trim('_')
    if ($n -eq '') { $n = 'folder' }
    return $n
}

$isAdmin = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole(
    [Security.Principal.WindowsBuiltInRole]::Administrator)
if (-not $isAdmin) {
    Write-Warning 'Not running as administrator: auditpol and secedit will fail. / 管理者として実行していないため auditpol と secedit が失敗します。'
}

New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
New-Item -ItemType Directory -Force -Path (Join-Path $OutDir 'registry') | Out-Null
$OutDir = (Resolve-Path -LiteralPath $OutDir).Path
$LogFile = Join-Path $OutDir 'collect.log'
Write-Utf8 $LogFile ''
Note ('timaudit evidence collection on {0} into {1} (PowerShell {2})' -f $env:COMPUTERNAME, $OutDir, $PSVersionTable.PSVersion)

# host.json (domain: the joined domain, for the domain password policy)
$os = $null
$cs = $null
try { $os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop } catch { }
try { $cs = Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop } catch { }
$joined = [bool]($cs -and $cs.PartOfDomain)
$hostInfo = [ordered]@{
    hostname     = $env:COMPUTERNAME
    os           = if ($os) { ('{0} {1}' -f $os.Caption, $os.Version).Trim() } else { [Environment]::OSVersion.VersionString }
    collected_at = (Get-Date -Format 'yyyy-MM-ddTHH:mm:sszzz')
    collector    = 'collect-windows-evidence.ps1'
    powershell   = [string]$PSVersionTable.PSVersion
    elevated     = $isAdmin
    domain       = if ($joined) { [string]$cs.Domain } else { $null }
}
Write-Json (Join-Path $OutDir 'host.json') $hostInfo

# registry/*.reg (reg export writes UTF-16LE with a BOM). A key that does not
# exist (no policy set) is skipped.
$keys = [ordered]@{
    'usbstor.reg'                  = 'HKLM\SYSTEM\CurrentControlSet\Services\USBSTOR'
    'removable-storage-policy.reg' = 'HKLM\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices'
    'firewall-policy.reg'          = 'HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall'
    'eventlog-policy.reg'          = 'HKLM\SOFTWARE\Policies\Microsoft\Windows\EventLog'
    'w32time.reg'                  = 'HKLM\SYSTEM\CurrentControlSet\Services\W32Time'
    'w32time-policy.reg'           = 'HKLM\SOFTWARE\Policies\Microsoft\W32Time'
}
foreach ($k in $keys.Keys) {
    $file = Join-Path (Join-Path $OutDir 'registry') $k
    $tmp = [System.IO.Path]::GetTempFileName()
    $code = Save-NativeOutput 'reg.exe' @('export', $keys[$k], $file, '/y') $tmp
    Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
    if ($code -ne 0) {
        if (Test-Path -LiteralPath $file) { Remove-Item -LiteralPath $file -Force }
        Note ('  (key not present: {0})' -f $keys[$k])
    }
}

# auditpol.csv: auditpol /backup has the numeric Setting Value column, the same
# in every language; /get /r (localised words) only if /backup fails.
$auditCsv = Join-Path $OutDir 'auditpol.csv'
if (Test-Path -LiteralPath $auditCsv) { Remove-Item -LiteralPath $auditCsv -Force }
$tmp = [System.IO.Path]::GetTempFileName()
$code = Save-NativeOutput 'auditpol.exe' @('/backup', ('/file:' + $auditCsv)) $tmp
Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
if ($code -ne 0 -or -not (Test-Path -LiteralPath $auditCsv)) {
    Save-NativeOutput 'auditpol.exe' @('/get', '/category:*', '/r') $auditCsv | Out-Null
}

# secedit.inf (secedit /export writes UTF-16LE itself; it only reads the policy)
$inf = Join-Path $OutDir 'secedit.inf'
$tmpDir = [System.IO.Path]::GetTempPath()
Save-NativeOutput 'secedit.exe' @('/export', '/cfg', $inf, '/quiet', '/log', (Join-Path $tmpDir 'timaudit-secedit.log')) (Join-Path $tmpDir 'timaudit-secedit.out') | Out-Null

# domain-password-policy.json: on a domain member the domain's policy applies
# to domain accounts (secedit.inf holds the local accounts' policy).
if ($joined) {
    Save-Object (Join-Path $OutDir 'domain-password-policy.json') 'domain password policy' {
        $entry = New-Object System.DirectoryServices.DirectoryEntry(('LDAP://' + $cs.Domain))
        $props = $entry.Properties
        [ordered]@{
            domain           = [string]$cs.Domain
            source           = 'LDAP domain head (Default Domain Policy)'
            minPwdLength     = [int]$props['minPwdLength'].Value
            pwdHistoryLength = [int]$props['pwdHistoryLength'].Value
            lockoutThreshold = [int]$props['lockoutThreshold'].Value
            pwdProperties    = [int]$props['pwdProperties'].Value
        }
    }
}

# firewall.json (effective settings, locale-neutral) and firewall.txt (netsh,
# localised, kept for people to read and for older systems)
Save-Object (Join-Path $OutDir 'firewall.json') 'Get-NetFirewallProfile' {
    $profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore -ErrorAction Stop | ForEach-Object {
        [ordered]@{
            Name                  = [string]$_.Name
            Enabled               = [string]$_.Enabled
            DefaultInboundAction  = [string]$_.DefaultInboundAction
            DefaultOutboundAction = [string]$_.DefaultOutboundAction
        }
    })
    , $profiles
}
Save-NativeOutput 'netsh.exe' @('advfirewall', 'show', 'allprofiles') (Join-Path $OutDir 'firewall.txt') | Out-Null

# eventlog-security.txt
Save-NativeOutput 'wevtutil.exe' @('gl', 'Security') (Join-Path $OutDir 'eventlog-security.txt') | Out-Null

# SMB shares, their permissions, and the SMB server settings (SMB1)
$shares = @()
try {
    $shares = @(Get-SmbShare -ErrorAction Stop)
    $shares | Select-Object -Property @('Name', 'ScopeName', 'Path', 'Description', 'ShareType', 'Special', 'FolderEnumerationMode', 'EncryptData') |
        Export-Csv -NoTypeInformation -Encoding UTF8 -Path (Join-Path $OutDir 'smb-shares.csv')
    $shares | Get-SmbShareAccess -ErrorAction Continue |
        Select-Object -Property @('Name', 'ScopeName', 'AccountName', 'AccessControlType', 'AccessRight') |
        Export-Csv -NoTypeInformation -Encoding UTF8 -Path (Join-Path $OutDir 'smb-share-access.csv')
    Note ('Get-SmbShare: {0} shares' -f $shares.Count)
} catch {
    Note ('FAILED Get-SmbShare: {0}' -f $_.Exception.Message)
}
Save-Object (Join-Path $OutDir 'smb-server.json') 'Get-SmbServerConfiguration' {
    $c = Get-SmbServerConfiguration -ErrorAction Stop
    [ordered]@{
        EnableSMB1Protocol       = [bool]$c.EnableSMB1Protocol
        EnableSMB2Protocol       = [bool]$c.EnableSMB2Protocol
        RequireSecuritySignature = [bool]$c.RequireSecuritySignature
        EncryptData              = [bool]$c.EncryptData
        RejectUnencryptedAccess  = [bool]$c.RejectUnencryptedAccess
        AuditSmb1Access          = [bool]$c.AuditSmb1Access
    }
}

# defender.json
Save-Object (Join-Path $OutDir 'defender.json') 'Get-MpComputerStatus' {
    Get-MpComputerStatus -ErrorAction Stop | Select-Object -Property * -ExcludeProperty @('Cim*', 'PSComputerName')
}

# acl/*.txt: icacls /t /c for every shared folder and every -Path
if (-not $SkipAcl) {
    New-Item -ItemType Directory -Force -Path (Join-Path $OutDir 'acl') | Out-Null
    $folders = New-Object System.Collections.Generic.List[object]
    foreach ($s in $shares) {
        if (-not $s.Special -and $s.Path -and (Test-Path -LiteralPath $s.Path -PathType Container)) {
            $folders.Add(@{ Name = $s.Name; Path = $s.Path })
        }
    }
    foreach ($p in $Path) {
        $leaf = Split-Path $p -Leaf
        if (-not $leaf) { $leaf = $p }
        $folders.Add(@{ Name = $leaf; Path = $p })
    }
    $used = @{}
    foreach ($f in $folders) {
        $name = Safe-Name $f.Name
        $n = $name
        $i = 2
        while ($used.ContainsKey($n)) { $n = '{0}-{1}' -f $name, $i; $i++ }
        $used[$n] = $true
        $target = $f.Path
        if ($target -match '^[A-Za-z]:$') { $target += '\' }
        Save-NativeOutput 'icacls.exe' @($target, '/t', '/c') (Join-Path (Join-Path $OutDir 'acl') ($n + '.txt')) | Out-Null
    }
}

Write-Host ''
Write-Host ('Done. Copy the folder {0} to the machine running timaudit and run:' -f $OutDir)
Write-Host ('  timaudit audit --profile timaudit.yaml --evidence "{0}"' -f $OutDir)
Write-Host ('完了しました。フォルダー {0} を timaudit を実行するコンピューターにコピーし、上のコマンドを実行してください。' -f $OutDir)
