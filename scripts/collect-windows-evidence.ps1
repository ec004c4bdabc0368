<#
.SYNOPSIS
    Collects the Windows evidence that `timaudit audit --evidence DIR` evaluates.
    timaudit audit --evidence DIR が評価する Windows の証跡を集めます。

.DESCRIPTION
    Read-only: the script only runs commands that read or export settings
    (reg export, auditpol /get, secedit /export, netsh ... show, icacls without
    changes, Get-SmbShare, Get-SmbShareAccess, Get-MpComputerStatus, wevtutil gl).
    It changes no setting, permission or file on this computer; it writes only
    into the output folder.

    読み取り専用です。設定を読み出す・書き出すコマンドだけを実行し、このコンピューターの
    設定・アクセス権・ファイルは一切変更しません。書き込むのは出力フォルダーだけです。

    Native command output is saved byte for byte as Windows writes it (CP932 on
    Japanese Windows); timaudit detects the encoding itself.

    Run it in an elevated Windows PowerShell 5.1 or PowerShell 7 window
    (auditpol and secedit need administrator rights).
    管理者として実行した PowerShell で実行してください（auditpol と secedit に管理者権限が必要です）。

.PARAMETER OutDir
    The evidence folder to write (default: .\timaudit-evidence-COMPUTERNAME).

.PARAMETER Path
    Extra folders whose access rights (icacls) are exported, besides every
    shared folder. Example: -Path 'D:\設計','E:\Archive'

.PARAMETER SkipAcl
    Do not export folder access rights (icacls /t lists every file and can take
    long on large shares).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\collect-windows-evidence.ps1 -OutDir E:\evidence\FS01
#>
[CmdletBinding()]
param(
    [string]$OutDir = (Join-Path (Get-Location) ("timaudit-evidence-" + $env:COMPUTERNAME)),
    [string[]]$Path = @(),
    [switch]$SkipAcl
)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Continue'

$log = New-Object System.Collections.Generic.List[string]
function Note([string]$Message) {
    $line = (Get-Date -Format 'yyyy-MM-ddTHH:mm:sszzz') + ' ' + $Message
    $log.Add($line)
    Write-Host $line
}

function Write-Utf8([string]$File, [string]$Text) {
    # UTF-8 without BOM, the same in Windows PowerShell 5.1 and PowerShell 7.
    [System.IO.File]::WriteAllText($File, $Text, (New-Object System.Text.UTF8Encoding($false)))
}

function Save-NativeOutput([string]$Exe, [string]$Arguments, [string]$OutFile) {
    # Runs a program and saves its standard output (then its error output) exactly
    # as it was written, without PowerShell re-encoding it.
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $Exe
    $psi.Arguments = $Arguments
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    try {
        $p = [System.Diagnostics.Process]::Start($psi)
    } catch {
        Note "FAILED to start $Exe $Arguments : $($_.Exception.Message)"
        return $null
    }
    $out = New-Object System.IO.MemoryStream
    $err = New-Object System.IO.MemoryStream
    $errTask = $p.StandardError.BaseStream.CopyToAsync($err)
    $p.StandardOutput.BaseStream.CopyTo($out)
    $errTask.Wait()
    $p.WaitForExit()
    $bytes = $out.ToArray() + $err.ToArray()
    [System.IO.File]::WriteAllBytes($OutFile, $bytes)
    Note ("{0} {1} -> {2} (exit {3}, {4} bytes)" -f $Exe, $Arguments, $OutFile, $p.ExitCode, $bytes.Length)
    return $p.ExitCode
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
$OutDir = (Resolve-Path $OutDir).Path
Note "timaudit evidence collection on $env:COMPUTERNAME into $OutDir"

# host.json
$os = $null
try { $os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop } catch { }
$hostInfo = [ordered]@{
    hostname     = $env:COMPUTERNAME
    os           = if ($os) { "$($os.Caption) $($os.Version)".Trim() } else { [Environment]::OSVersion.VersionString }
    collected_at = (Get-Date -Format 'yyyy-MM-ddTHH:mm:sszzz')
    collector    = 'collect-windows-evidence.ps1'
    elevated     = $isAdmin
}
Write-Utf8 (Join-Path $OutDir 'host.json') ($hostInfo | ConvertTo-Json)

# registry/*.reg (reg export writes UTF-16LE with a BOM). A key that does not
# exist (no policy set) is skipped.
$keys = [ordered]@{
    'usbstor.reg'                  = 'HKLM\SYSTEM\CurrentControlSet\Services\USBSTOR'
    'removable-storage-policy.reg' = 'HKLM\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices'
    'firewall-policy.reg'          = 'HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall'
    'eventlog-policy.reg'          = 'HKLM\SOFTWARE\Policies\Microsoft\Windows\EventLog'
}
foreach ($k in $keys.Keys) {
    $file = Join-Path $OutDir (Join-Path 'registry' $k)
    $tmp = [System.IO.Path]::GetTempFileName()
    $code = Save-NativeOutput 'reg.exe' ("export `"{0}`" `"{1}`" /y" -f $keys[$k], $file) $tmp
    Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
    if ($code -ne 0 -and (Test-Path -LiteralPath $file)) { Remove-Item -LiteralPath $file -Force }
    if ($code -ne 0) { Note "  (key not present: $($keys[$k]))" }
}

# auditpol.csv
Save-NativeOutput 'auditpol.exe' '/get /category:* /r' (Join-Path $OutDir 'auditpol.csv') | Out-Null

# secedit.inf (secedit /export writes UTF-16LE itself; it only reads the policy)
$inf = Join-Path $OutDir 'secedit.inf'
$seclog = Join-Path ([System.IO.Path]::GetTempPath()) 'timaudit-secedit.log'
Save-NativeOutput 'secedit.exe' ("/export /cfg `"{0}`" /quiet /log `"{1}`"" -f $inf, $seclog) (Join-Path ([System.IO.Path]::GetTempPath()) 'timaudit-secedit.out') | Out-Null

# firewall.txt
Save-NativeOutput 'netsh.exe' 'advfirewall show allprofiles' (Join-Path $OutDir 'firewall.txt') | Out-Null

# eventlog-security.txt
Save-NativeOutput 'wevtutil.exe' 'gl Security' (Join-Path $OutDir 'eventlog-security.txt') | Out-Null

# SMB shares and their permissions
$shares = @()
try {
    $shares = @(Get-SmbShare -ErrorAction Stop)
    $shares | Select-Object Name, ScopeName, Path, Description, ShareType, Special, FolderEnumerationMode, EncryptData |
        Export-Csv -NoTypeInformation -Encoding UTF8 -Path (Join-Path $OutDir 'smb-shares.csv')
    $shares | Get-SmbShareAccess -ErrorAction Continue |
        Select-Object Name, ScopeName, AccountName, AccessControlType, AccessRight |
        Export-Csv -NoTypeInformation -Encoding UTF8 -Path (Join-Path $OutDir 'smb-share-access.csv')
    Note "Get-SmbShare: $($shares.Count) shares"
} catch {
    Note "FAILED Get-SmbShare: $($_.Exception.Message)"
}

# defender.json
try {
    $mp = Get-MpComputerStatus -ErrorAction Stop
    Write-Utf8 (Join-Path $OutDir 'defender.json') ($mp | Select-Object * -ExcludeProperty Cim* | ConvertTo-Json)
    Note 'Get-MpComputerStatus: saved'
} catch {
    Write-Utf8 (Join-Path $OutDir 'defender.json') (@{ error = $_.Exception.Message } | ConvertTo-Json)
    Note "FAILED Get-MpComputerStatus: $($_.Exception.Message)"
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
    foreach ($p in $Path) { $folders.Add(@{ Name = (Split-Path $p -Leaf); Path = $p }) }
    $used = @{}
    foreach ($f in $folders) {
        $name = Safe-Name $f.Name
        $n = $name; $i = 2
        while ($used.ContainsKey($n)) { $n = "$name-$i"; $i++ }
        $used[$n] = $true
        $target = $f.Path.TrimEnd('\')
        if ($target -match '^[A-Za-z]:$') { $target += '\' }
        Save-NativeOutput 'icacls.exe' ("`"{0}`" /t /c" -f $target) (Join-Path $OutDir (Join-Path 'acl' "$n.txt")) | Out-Null
    }
}

Write-Utf8 (Join-Path $OutDir 'collect.log') (($log -join "`r`n") + "`r`n")
Write-Host ''
Write-Host "Done. Copy the folder $OutDir to the machine running timaudit and run:"
Write-Host "  timaudit audit --profile timaudit.yaml --evidence `"$OutDir`""
Write-Host "完了しました。フォルダー $OutDir を timaudit を実行するコンピューターにコピーし、上のコマンドを実行してください。"
