"""A demo mailbox: a dozen realistic notifications and some ordinary mail, in a Maildir.

It lets a newcomer watch introgate work before pointing it at a real account. The mails
follow what the networks really send (headers, senders, layouts), in German and English,
with and without a personal note, plus a spoof and mail that must be left alone.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from introgate.backends.maildir import MaildirBackend

ME = Address("Alex Beispiel", "alex", "example.org")
AUTHSERV = "mx.demo.example"
RULE = "." * 60


@dataclass(frozen=True)
class DemoMail:
    filename: str
    message: EmailMessage


def _auth(domain: str, *, passed: bool = True) -> str:
    result = "pass" if passed else "fail"
    return (
        f"{AUTHSERV}; dkim={result} header.d={domain} header.s=s1; "
        f"spf={result} smtp.mailfrom={domain}; dmarc={result} header.from={domain}"
    )


def _base(
    sender: Address, subject: str, minutes_ago: int, msgid_domain: str, auth_domain: str | None
) -> EmailMessage:
    message = EmailMessage()
    if auth_domain:
        message["Authentication-Results"] = _auth(auth_domain)
    message["From"] = sender
    message["To"] = ME
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC) - timedelta(minutes=minutes_ago))
    message["Message-ID"] = make_msgid(domain=msgid_domain)
    return message


def linkedin_invitation(
    name: str,
    vanity: str,
    headline: str,
    *,
    language: str,
    note: str | None,
    mutual: int | None = None,
    minutes_ago: int = 60,
    authenticated: bool = True,
) -> EmailMessage:
    first = ME.display_name.split()[0]
    de = language == "de"
    subject = "Ich möchte mich mit Ihnen vernetzen" if de else "I want to connect"
    message = _base(
        Address(f"{name} via LinkedIn", "invitations", "linkedin.com"),
        subject,
        minutes_ago,
        "ltx1-app3241.prod.linkedin.com",
        None,
    )
    message["Authentication-Results"] = _auth("linkedin.com", passed=authenticated)
    message["X-LinkedIn-Class"] = "INVITE"
    message["X-LinkedIn-Template"] = "email_m2m_invite_single_01"
    message["X-LinkedIn-Id"] = "ZXhhbXBsZS1pZA"
    message["List-Unsubscribe"] = "<https://www.linkedin.com/e/v2?e=unsub&t=invite>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    profile = (
        f"https://www.linkedin.com/comm/in/{vanity}?midToken=AQE&trk=eml-email_m2m_invite_single_01"
    )
    accept = (
        "https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/"
        f"71{zlib.crc32(vanity.encode()) % 10**8}/sharedKey/Xk2p/"
        "?trk=eml-email_m2m_invite_single_01"
    )
    greeting = f"Hallo {first}," if de else f"Hi {first},"
    mutual_line = ""
    if mutual:
        mutual_line = f"{mutual} gemeinsame Kontakte\n" if de else f"{mutual} mutual connections\n"
    text = f"{greeting}\n\n"
    if note:
        text += f"{note}\n\n"
    text += f"{name}\n{headline}\n{mutual_line}\n"
    text += f"Profil anzeigen: {profile}\n\n" if de else f"View profile: {profile}\n\n"
    text += f"Annehmen: {accept}\n\n" if de else f"Accept: {accept}\n\n"
    text += f"{RULE}\n\n"
    text += (
        f"Diese E-Mail ist für {ME.display_name} ({first}) bestimmt.\n"
        if de
        else f"This email was intended for {ME.display_name} ({first}).\n"
    )
    message.set_content(text)
    note_html = f"<p style='margin:0 0 16px'>{note}</p>" if note else ""
    html = (
        "<html><body>"
        f"<div style='display:none;max-height:0;overflow:hidden'>{note or ''}</div>"
        f"<p>{greeting}</p>{note_html}"
        f"<table><tr><td><a href='{profile}'>{name}</a></td></tr>"
        f"<tr><td>{headline}</td></tr>"
        + (f"<tr><td>{mutual_line.strip()}</td></tr>" if mutual_line else "")
        + f"<tr><td><a href='{accept}'>{'Annehmen' if de else 'Accept'}</a></td></tr></table>"
        "</body></html>"
    )
    message.add_alternative(html, subtype="html")
    return message


def linkedin_message(
    name: str,
    vanity: str,
    text: str,
    *,
    language: str,
    minutes_ago: int = 30,
    authenticated: bool = True,
    with_profile: bool = True,
) -> EmailMessage:
    """A member's message after a request: how a stranger introduces themselves late.

    ``with_profile=False``: the mail names the writer but links only to the thread."""
    de = language == "de"
    first = name.split()[0]
    subject = f"{first} hat Ihnen eine Nachricht gesendet" if de else f"{first} just messaged you"
    message = _base(
        Address(f"{name} via LinkedIn", "messages-noreply", "linkedin.com"),
        subject,
        minutes_ago,
        "ltx1-app3242.prod.linkedin.com",
        None,
    )
    message["Authentication-Results"] = _auth("linkedin.com", passed=authenticated)
    message["X-LinkedIn-Class"] = "mbr-to-mbr"
    message["X-LinkedIn-Template"] = "email_member_message_v2"
    profile = f"https://www.linkedin.com/comm/in/{vanity}?trk=eml-email_member_message_v2"
    thread = f"https://www.linkedin.com/comm/messaging/thread/2-{zlib.crc32(vanity.encode())}/"
    said = "hat Ihnen eine Nachricht gesendet" if de else "sent you a message"
    body = f"{name} {said}:\n\n{text}\n\n"
    if with_profile:
        body += f"Profil anzeigen: {profile}\n" if de else f"View profile: {profile}\n"
    body += f"Antworten: {thread}\n" if de else f"Reply: {thread}\n"
    message.set_content(body)
    return message


def xing_request(
    name: str, handle: str, *, language: str, note: str | None, minutes_ago: int = 60
) -> EmailMessage:
    de = language == "de"
    subject = (
        f"{name} möchte Sie als Kontakt hinzufügen"
        if de
        else f"{name} wants to add you as a contact"
    )
    message = _base(
        Address("XING", "mailrobot", "mail.xing.com"),
        subject,
        minutes_ago,
        "mail.xing.com",
        "mail.xing.com",
    )
    profile = f"https://www.xing.com/profile/{handle}/cv"
    text = (
        f"{name} möchte sich mit Ihnen auf XING vernetzen.\n\n"
        if de
        else f"{name} would like to connect with you on XING.\n\n"
    )
    if note:
        text += ("Persönliche Nachricht:\n" if de else "Personal message:\n") + f'"{note}"\n\n'
    text += f"Profil ansehen: {profile}\n" if de else f"View profile: {profile}\n"
    text += (
        "Kontaktanfrage bestätigen: https://www.xing.com/app/contact?op=confirm\n"
        if de
        else "Confirm contact request: https://www.xing.com/app/contact?op=confirm\n"
    )
    message.set_content(text, cte="quoted-printable")
    return message


def facebook_friend_request(
    name: str, uid: str, *, mutual: int, minutes_ago: int = 60
) -> EmailMessage:
    message = _base(
        Address("Facebook", "notification+zj4yqw2x", "facebookmail.com"),
        f"{name} wants to be friends on Facebook",
        minutes_ago,
        "facebookmail.com",
        "facebookmail.com",
    )
    message["Reply-To"] = "noreply <noreply@facebookmail.com>"
    message["X-Mailer"] = "ZuckMail [version 1.00]"
    message["X-Facebook-Notify"] = f"friend; from={uid}; mailid=5a1b2c3dG5af3"
    profile = f"https://www.facebook.com/profile.php?id={uid}"
    message.set_content(
        f"{name} wants to be friends with you on Facebook.\n\n{name}\n{mutual} mutual friends\n"
        f"{profile}\n\nConfirm request\nhttps://www.facebook.com/n/?friends%2Frequests&uid={uid}\n\n"
        "See all requests\nhttps://www.facebook.com/n/?friends%2Frequests\n",
        cte="base64",
    )
    return message


def instagram_follow_request(name: str, handle: str, minutes_ago: int = 60) -> EmailMessage:
    message = _base(
        Address("Instagram", "no-reply", "mail.instagram.com"),
        f"{name} (@{handle}) has requested to follow you",
        minutes_ago,
        "mail.instagram.com",
        "mail.instagram.com",
    )
    message["X-Mailer"] = "ZuckMail [version 1.00]"
    message["X-Facebook-Notify"] = "ig_follow_request; mailid=5f3e1a2bG7c9d"
    message["Feedback-ID"] = "0:ig_follow_request:Facebook"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(
        "<html><head><style>.x{color:#262626}</style></head><body>"
        f"<span style='display:none'>{name} wants to follow you</span>"
        f"<p class='x'><b>{name}</b> (@{handle}) has requested to follow you.</p>"
        f"<p><a href='https://www.instagram.com/{handle}/'>View profile</a></p>"
        "</body></html>",
        subtype="html",
        cte="quoted-printable",
    )
    return message


def mastodon_follow_request(acct: str, profile: str, minutes_ago: int = 60) -> EmailMessage:
    message = _base(
        Address("Mastodon", "notifications", "chaos.social"),
        f"Ausstehender Follower: {acct}",
        minutes_ago,
        "chaos.social",
        "chaos.social",
    )
    message["List-ID"] = "<follow_request.alex.chaos.social>"
    message["Auto-Submitted"] = "auto-generated"
    message["Precedence"] = "list"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(
        f"{acct} möchte dir folgen\n\n{profile}\n\n"
        "Anfragen verwalten: https://chaos.social/follow_requests\n"
    )
    return message


def linkedin_job_alert(minutes_ago: int = 60) -> EmailMessage:
    message = _base(
        Address("LinkedIn Job Alerts", "jobalerts-noreply", "linkedin.com"),
        "30+ new jobs for “Solution Architect”",
        minutes_ago,
        "ltx1-app9911.prod.linkedin.com",
        "linkedin.com",
    )
    message["X-LinkedIn-Class"] = "JOBS-ALERT"
    message["X-LinkedIn-Template"] = "email_job_alert_digest_01"
    message.set_content(
        "Your job alert for Solution Architect\n\nSolution Architect - Beispiel AG - Berlin\n"
        "View job: https://www.linkedin.com/comm/jobs/view/123456/\n"
    )
    return message


def ordinary(sender: Address, subject: str, body: str, minutes_ago: int = 60) -> EmailMessage:
    message = _base(sender, subject, minutes_ago, sender.domain, None)
    message.set_content(body)
    return message


def demo_messages() -> list[DemoMail]:
    """The demo mailbox's contents, oldest first."""
    mails = [
        ordinary(
            Address("Jana Kühn", "jana.kuehn", "kunde.example"),
            "Angebot Workshop Q1",
            "Hallo Alex,\n\nanbei wie besprochen die Eckdaten für den Workshop.\n\n"
            "Viele Grüße\nJana\n",
            minutes_ago=600,
        ),
        linkedin_invitation(
            "Anna Schäfer",
            "anna-schaefer-7b21",
            "Projektleiterin bei Stadtwerke Nord",
            language="de",
            note=None,
            mutual=3,
            minutes_ago=540,
        ),
        linkedin_invitation(
            "James O'Brien",
            "jamesobrien",
            "Growth Hacker | Helping B2B founders scale",
            language="en",
            note="I'd like to join your LinkedIn network.",
            minutes_ago=480,
        ),
        linkedin_invitation(
            "Priya Raman",
            "priya-raman",
            "Staff Engineer at Example Cloud",
            language="en",
            note=(
                "Hi Alex, we met at the Data Summit in Berlin last week. I'd love to keep in "
                "touch about your talk on event sourcing."
            ),
            mutual=12,
            minutes_ago=420,
        ),
        linkedin_invitation(
            "Jörg Müller",
            "joerg-mueller-it",
            "IT-Leiter bei Müller & Söhne",
            language="de",
            note=(
                "Hallo Alex, wir haben letzte Woche in Hamburg über Ihr Projekt bei der Bahn "
                "gesprochen. Ich würde gern in Kontakt bleiben."
            ),
            minutes_ago=360,
        ),
        linkedin_invitation(
            "Maria Gonzalez",
            "maria-gonzalez-cpa",
            "Partner at Gonzalez Tax Advisors",
            language="en",
            note=None,
            minutes_ago=300,
        ),
        xing_request("Katrin Weiß", "Katrin_Weiss4", language="de", note=None, minutes_ago=280),
        xing_request(
            "Tom Becker",
            "Tom_Becker2",
            language="en",
            note="We worked together at the Hannover Messe booth in 2019 - great to see you here!",
            minutes_ago=260,
        ),
        ordinary(
            Address("Steuerbüro Lange", "post", "lange-steuer.example"),
            "Ihre Unterlagen für 2025",
            "Sehr geehrter Herr Beispiel,\n\nbitte senden Sie uns die fehlenden Belege.\n",
            minutes_ago=240,
        ),
        facebook_friend_request("Chris Miller", "100004519283746", mutual=2, minutes_ago=200),
        instagram_follow_request("Sam Lee", "samlee.design", minutes_ago=180),
        mastodon_follow_request(
            "lena@norden.social", "https://norden.social/@lena", minutes_ago=150
        ),
        linkedin_invitation(
            "LinkedIn Security",
            "security-team-verify",
            "Account verification",
            language="en",
            note=None,
            minutes_ago=120,
            authenticated=False,
        ),
        linkedin_job_alert(minutes_ago=90),
        ordinary(
            Address("Sofia Rossi", "sofia", "rossi-design.example"),
            "Re: Logo drafts",
            "Hi Alex,\n\nhere are the three variants we talked about.\n\nSofia\n",
            minutes_ago=30,
        ),
    ]
    return [DemoMail(f"demo-{i:02d}", message) for i, message in enumerate(mails, start=1)]


CONTACTS_VCF = """BEGIN:VCARD
VERSION:3.0
FN:María González
N:González;María;;;
EMAIL;TYPE=work:maria@gonzalez-tax.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Jana Kühn
EMAIL:jana.kuehn@kunde.example
END:VCARD
"""

DEMO_CONFIG = """# introgate demo configuration (written by `introgate demo`)
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"
signature = "Alex Beispiel\\nBeispiel Consulting"

[trust]
authserv_ids = ["{authserv}"]

[state]
path = "state.sqlite3"

[contacts]
files = ["contacts.vcf"]
allowlist = "allowlist.txt"
correspondence_folders = ["Sent"]

[[accounts]]
name = "demo"
backend = "maildir"
maildir = "Maildir"
backfill = "all"
"""


def write_demo(directory: Path) -> Path:
    """Create the demo mailbox and config in ``directory`` unless they exist; return the config."""
    config = directory / "introgate.toml"
    maildir = directory / "Maildir"
    if config.is_file() and (maildir / "cur").is_dir():
        return config
    directory.mkdir(parents=True, exist_ok=True)
    backend = MaildirBackend(maildir)
    for folder in ("INBOX", "Drafts", "Archive", "Sent", "Trash"):
        backend.ensure_folder(folder)
    now = datetime.now(UTC).timestamp()
    mails = demo_messages()
    for position, mail in enumerate(mails):
        path = maildir / "new" / f"{int(now)}.{mail.filename}.introgate-demo"
        path.write_bytes(mail.message.as_bytes())
        delivered = now - (len(mails) - position) * 60
        os.utime(path, (delivered, delivered))
    (directory / "contacts.vcf").write_text(CONTACTS_VCF, encoding="utf-8")
    config.write_text(DEMO_CONFIG.replace("{authserv}", AUTHSERV), encoding="utf-8")
    return config


def deliver_late_introduction(directory: Path) -> None:
    """Anna Schäfer, whose bare request the first pass archived, writes after all."""
    maildir = directory / "Maildir"
    message = linkedin_message(
        "Anna Schäfer",
        "anna-schaefer-7b21",
        "Hallo Alex, entschuldigen Sie die Anfrage ohne Worte: wir haben uns beim "
        "Stadtwerke-Workshop in Kiel kennengelernt.",
        language="de",
        minutes_ago=1,
    )
    now = int(datetime.now(UTC).timestamp())
    (maildir / "new" / f"{now}.late-introduction.introgate-demo").write_bytes(message.as_bytes())
