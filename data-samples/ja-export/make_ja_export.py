"""Writes data-samples/ja-export: the first customers of data-samples/crm-export, translated into a Japanese CRM export.

Deterministic (no randomness): the same crm-export rows always give the same bytes. The CSV files are Shift_JIS (CP932),
as Excel and Japanese CRM/MA tools save them, with Japanese column names, event names and values, and Excel's default
date-time layout (2025/5/3 10:48). The mapping file journeyml.json is UTF-8 JSON; it does not name the encoding,
which JourneyML detects (name it with "encoding": "shift_jis" to be explicit). Run from the repository root:

    python3 data-samples/ja-export/make_ja_export.py
"""
import csv
import json
import os
from datetime import datetime

SOURCE = os.path.join("data-samples", "crm-export")
TARGET = os.path.join("data-samples", "ja-export")
ACCOUNTS = 52  # the first 52 accounts: about 170 customers, under 1 MB

CONTACT_COLUMNS = {
    "Contact ID": "顧客ID", "Company ID": "会社ID", "Create Date": "登録日", "Plan Tier": "プラン",
    "Buying Role": "役割", "Country/Region": "地域", "Company Size": "従業員規模", "Industry": "業種",
}
ACTIVITY_COLUMNS = {"Contact ID": "顧客ID", "Activity Date": "日時", "Activity Type": "行動", "Source": "流入元", "Value": "値"}
OUTCOME_COLUMNS = {"Contact ID": "顧客ID", "Churn Date": "解約日", "Close Date": "契約日"}
DATES = {"Create Date", "Activity Date", "Churn Date", "Close Date"}

VALUES = {
    "Plan Tier": {"starter": "スターター", "pro": "プロ", "enterprise": "エンタープライズ"},
    "Buying Role": {"Economic Buyer": "決裁者", "Finance": "経理", "IT": "情報システム", "End User": "利用者"},
    "Country/Region": {"na": "北米", "emea": "欧州・中東・アフリカ", "apac": "アジア太平洋", "latam": "中南米"},
    "Company Size": {"1-10": "1～10名", "11-50": "11～50名", "51-200": "51～200名", "201-1000": "201～1000名", "1000+": "1001名以上"},
    "Industry": {"software": "ソフトウェア", "retail": "小売", "manufacturing": "製造", "financial_services": "金融",
                 "healthcare": "医療", "education": "教育", "media": "メディア"},
    "Source": {"app": "アプリ", "web": "ウェブ", "email": "メール", "support": "サポート", "webinar": "ウェビナー", "sales": "営業"},
    "Activity Type": {
        "Logged In": "ログイン", "Support Ticket Created": "問い合わせ", "Support Ticket Escalated": "問い合わせ（エスカレーション）",
        "Page View": "ページ閲覧", "Marketing Email Opened": "メール開封", "Marketing Email Clicked": "メールクリック",
        "Content Downloaded": "資料ダウンロード", "Webinar Attended": "ウェビナー参加", "Case Study Viewed": "導入事例閲覧",
        "Comparison Page Visit": "比較ページ閲覧", "Pricing Page Visit": "料金ページ閲覧", "Form Submission": "フォーム送信",
        "Meeting Booked": "商談予約", "Deal Created": "商談化", "Closed Lost": "失注", "Trial Started": "トライアル開始",
        "Closed Won": "契約", "Subscription Renewed": "契約更新", "Plan Upgraded": "アップグレード",
        "Plan Downgraded": "ダウングレード", "Subscription Cancelled": "解約",
    },
}
CANONICAL = {
    "Logged In": "login", "Support Ticket Created": "ticket_opened", "Support Ticket Escalated": "ticket_escalated",
    "Page View": "page_view", "Marketing Email Opened": "email_open", "Marketing Email Clicked": "email_click",
    "Content Downloaded": "download", "Webinar Attended": "webinar_attended", "Case Study Viewed": "case_study_view",
    "Comparison Page Visit": "comparison_page_view", "Pricing Page Visit": "pricing_page_view", "Form Submission": "form_submitted",
    "Meeting Booked": "meeting_booked", "Deal Created": "opportunity_opened", "Closed Lost": "opportunity_lost",
    "Trial Started": "trial_started", "Closed Won": "purchase", "Subscription Renewed": "renewal", "Plan Upgraded": "upgrade",
    "Plan Downgraded": "downgrade", "Subscription Cancelled": "cancellation",
}
ROLES = {"決裁者": "decision-maker", "経理": "finance", "情報システム": "it", "利用者": "user"}


def excel_time(text):
    # Excel's default layout for a date-time cell (yyyy/M/d H:mm): minutes, no leading zeros.
    t = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


def translate(name, columns, keep):
    with open(os.path.join(SOURCE, name), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        if not keep(row):
            continue
        translated = {}
        for column, japanese in columns.items():
            value = row[column]
            if value and column in DATES:
                value = excel_time(value)
            elif value and column in VALUES:
                value = VALUES[column][value]
            translated[japanese] = value
        out.append(translated)
    return out


def write(name, columns, rows):
    # Excel writes CRLF line ends and Shift_JIS (cp932) without a byte order mark.
    with open(os.path.join(TARGET, name), "w", newline="", encoding="cp932") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns.values()), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def main():
    with open(os.path.join(SOURCE, "contacts.csv"), newline="", encoding="utf-8") as f:
        accounts = []
        for row in csv.DictReader(f):
            if row["Company ID"] not in accounts:
                accounts.append(row["Company ID"])
    kept_accounts = set(accounts[:ACCOUNTS])
    contacts = translate("contacts.csv", CONTACT_COLUMNS, lambda r: r["Company ID"] in kept_accounts)
    ids = {c["顧客ID"] for c in contacts}
    write("顧客.csv", CONTACT_COLUMNS, contacts)
    write("行動履歴.csv", ACTIVITY_COLUMNS, translate("activities.csv", ACTIVITY_COLUMNS, lambda r: r["Contact ID"] in ids))
    write("成果.csv", OUTCOME_COLUMNS, translate("outcomes.csv", OUTCOME_COLUMNS, lambda r: r["Contact ID"] in ids))
    mapping = {
        "dataAsOf": "2026-07-01T00:00:00Z",
        "dataStart": "2025-04-01T00:00:00Z",
        "timeFormat": "yyyy/M/d H:mm",
        "customers": {
            "path": "顧客.csv",
            "columns": {"customerId": "顧客ID", "accountId": "会社ID", "signedUpAt": "登録日", "plan": "プラン",
                        "role": "役割", "region": "地域"},
            "roles": ROLES,
        },
        "events": {
            "path": "行動履歴.csv",
            "columns": {"customerId": "顧客ID", "occurredAt": "日時", "type": "行動", "channel": "流入元", "value": "値"},
            "types": {VALUES["Activity Type"][k]: v for k, v in CANONICAL.items()},
        },
        "outcomes": {"path": "成果.csv", "columns": {"customerId": "顧客ID", "churnedAt": "解約日", "convertedAt": "契約日"}},
    }
    with open(os.path.join(TARGET, "journeyml.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(mapping, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"{len(contacts)} customers in {len(kept_accounts)} accounts written to {TARGET}")


if __name__ == "__main__":
    main()
