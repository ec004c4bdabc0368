use super::*;
use crate::catalogue::Catalogue;

#[test]
fn the_worst_status_wins_and_not_applicable_only_when_alone() {
    use Status::*;
    assert_eq!(worst([Pass, Partial, Pass]), Partial);
    assert_eq!(worst([Pass, Fail, Partial]), Fail);
    assert_eq!(worst([Fail, Error, Pass]), Fail);
    assert_eq!(worst([Error, Partial, Pass]), Error);
    assert_eq!(worst([Pass, Alternative]), Alternative);
    assert_eq!(worst([Partial, Unanswered]), Unanswered);
    assert_eq!(worst([Unanswered, Fail]), Fail);
    assert_eq!(worst([NotApplicable, Pass, NotApplicable]), Pass);
    assert_eq!(worst([NotApplicable, NotApplicable]), NotApplicable);
    assert_eq!(worst([]), NotApplicable);
}

#[test]
fn host_items_are_those_with_an_automatic_part() {
    let cat = Catalogue::builtin();
    for (id, host) in [
        ("ITS-03", true),
        ("HDL-07", true),
        ("ACC-05", true),
        ("ADM-01", false),
        ("STO-02", false),
        ("ITS-12", false),
    ] {
        let item = cat.item(id).unwrap();
        assert_eq!(per_host(cat, id, item.source.code()), host, "{id}");
    }
}

#[test]
fn host_folder_names_never_leave_hosts() {
    assert_eq!(safe_dir_name("fs01.example.jp"), "fs01.example.jp");
    assert_eq!(safe_dir_name("fs01+PC01"), "fs01_PC01");
    assert_eq!(safe_dir_name(".."), "_.");
    assert_eq!(safe_dir_name("../../etc"), "_._.._etc");
    assert_eq!(safe_dir_name("a/b\\c\nd"), "a_b_c_d");
    assert_eq!(safe_dir_name(""), "host");
    assert_eq!(safe_dir_name("設計PC"), "設計PC");
}
